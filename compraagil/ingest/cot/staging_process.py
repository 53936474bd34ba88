"""Read and stage a COT source in a process of its own, so that reading the files and PostgreSQL
loading what was read run on separate cores.

The child reads the source's CSVs one after the other (a month's zip holds two) and sends batches
of staged rows through a pipe as it fills them: while the parent loads one batch, the child reads
on. (A thread cannot do this: staging holds Python's global lock for part of its work, and every
chunk the loading thread sends to PostgreSQL would wait for it.) One reader is enough: it stages
rows about twice as fast as the database loads them.
"""

import multiprocessing
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path

import psycopg

from compraagil.db import libpq_url
from compraagil.ingest.cot.staged_rows import StagedBatch

INBOX_BATCHES = 2


@dataclass(frozen=True)
class ProgressReport:
    rows: int
    """Records read so far."""
    bytes_read: int
    total_bytes: int
    """Of the whole source."""

    @property
    def fraction(self) -> float:
        return min(1.0, self.bytes_read / self.total_bytes) if self.total_bytes else 0.0


@dataclass(frozen=True)
class Finished:
    read: int
    duplicates: int
    months: set[date]
    file_names: list[str]
    split_cotizaciones: list[str]
    """Cotizaciones whose rows were not all together (see Stager.split_cotizaciones)."""
    unstaged_split: bool = False
    """A part of one of them was left out as last imported: stage the source again, whole."""


class StagingCrashed(RuntimeError):
    """The reading process ended without finishing (killed, or out of memory)."""


def _stage(
    path: Path, batch_rows: int, report_progress: bool, pipe: Connection, database_url: str | None
) -> None:
    """The child: stage every CSV of the source, sending what it has as it goes; with a
    `database_url`, the cotizaciones read exactly as last imported there are left out."""
    from compraagil.ingest.cot.blocks import read_blocks  # pyarrow is loaded by the reader only
    from compraagil.ingest.cot.reader import open_cot
    from compraagil.ingest.cot.staging import Stager

    try:
        with open_cot(path) as files, _last_imported(database_url) as last_imported:
            stager = Stager(on_batch=pipe.send, batch_rows=batch_rows, last_imported=last_imported)
            total_bytes, done_bytes = sum(f.size for f in files), 0
            for index, cot_file in enumerate(files):

                def report(rows: int, cot_file=cot_file, done_bytes=done_bytes) -> None:
                    pipe.send(ProgressReport(rows, done_bytes + cot_file.bytes_read, total_bytes))

                stager.stage_file(
                    index,
                    cot_file.name,
                    cot_file.header,
                    read_blocks(cot_file),
                    report if report_progress else None,
                )
                done_bytes += cot_file.size
            stager.hand_over()
            pipe.send(
                Finished(
                    stager.read,
                    stager.duplicates,
                    stager.months,
                    [f.name for f in files],
                    split := stager.split_cotizaciones(),
                    stager.unstaged_part(split),
                )
            )
    except Exception as error:  # every failure goes to the parent, which raises it
        pipe.send(error)
    finally:
        pipe.close()


LAST_IMPORTED = (
    "SELECT codigo, cot_fingerprint FROM tenders WHERE codigo = ANY(%s) AND cot_fingerprint IS NOT NULL"
)


@contextmanager
def _last_imported(database_url: str | None) -> Iterator[Callable[[list[str]], dict[str, str]] | None]:
    """A lookup of the fingerprints stored for some cotizaciones, on a connection of the child's own."""
    if database_url is None:
        yield None
        return
    with psycopg.connect(libpq_url(database_url), autocommit=True, prepare_threshold=None) as conn:
        yield lambda codigos: dict(conn.execute(LAST_IMPORTED, (codigos,)).fetchall())


def _receive(pipe: Connection, inbox: queue.Queue, stop: threading.Event, name: str) -> None:
    """Move the child's messages into `inbox` as they come, until it finishes, fails or dies."""
    while True:
        try:
            message = pipe.recv()
        except (EOFError, OSError):
            message = StagingCrashed(f"la lectura de {name} terminó sin completarse")
        while not stop.is_set():
            try:
                inbox.put(message, timeout=0.1)
                break
            except queue.Full:
                continue
        if stop.is_set() or isinstance(message, Finished | Exception):
            return


@contextmanager
def staged(
    path: Path, batch_rows: int, report_progress: bool, last_imported_in: str | None = None
) -> Iterator[Iterator]:
    """Start the reading process; yields its messages as they come: StagedBatch and ProgressReport,
    then one Finished. An error in the child is raised here; leaving early stops the child. With
    `last_imported_in` (a database URL), cotizaciones read exactly as last imported there are not
    staged: they would change nothing (the database compares the rest again).

    A thread takes the messages off the pipe while this process is busy in the database, so the
    child does not wait for it (up to INBOX_BATCHES messages are held)."""
    context = multiprocessing.get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(
        target=_stage,
        args=(path, batch_rows, report_progress, sending, last_imported_in),
        name="cot-reader",
        daemon=True,
    )
    child.start()
    sending.close()
    inbox: queue.Queue = queue.Queue(maxsize=INBOX_BATCHES)
    stop = threading.Event()
    receiver = threading.Thread(target=_receive, args=(receiving, inbox, stop, path.name), daemon=True)
    receiver.start()

    def messages() -> Iterator[StagedBatch | ProgressReport | Finished]:
        while True:
            message = inbox.get()
            if isinstance(message, Exception):
                raise message
            yield message
            if isinstance(message, Finished):
                return

    try:
        yield messages()
    finally:
        stop.set()
        if child.is_alive():
            child.terminate()
        child.join()
        receiver.join()
        receiving.close()
