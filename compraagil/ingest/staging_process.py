"""Read and stage a COT source in processes of their own, so that Python reading the files and
PostgreSQL loading what was read run on separate cores.

Each CSV of the source (a month's zip holds two) gets a child process, which sends batches of
staged rows through a pipe as it fills them: while the parent loads one batch, the children read
on. (Threads cannot do this: the reading holds Python's global lock, and every chunk the loading
thread sends to PostgreSQL waits for it.)
"""

import multiprocessing
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from multiprocessing.connection import Connection, wait
from pathlib import Path

from compraagil.ingest.cot_reader import open_cot
from compraagil.ingest.cot_staging import StagedBatch, Stager


@dataclass(frozen=True)
class ProgressReport:
    rows: int
    """Records read so far."""
    bytes_read: int
    total_bytes: int
    """Of one CSV (from a child), or of the whole source (from `staged`)."""

    @property
    def fraction(self) -> float:
        return min(1.0, self.bytes_read / self.total_bytes) if self.total_bytes else 0.0


@dataclass(frozen=True)
class Finished:
    read: int
    months: set[date]
    file_names: list[str]


class StagingCrashed(RuntimeError):
    """A reading process ended without finishing (killed, or out of memory)."""


def _stage(path: Path, file_index: int, batch_rows: int, report_progress: bool, pipe: Connection) -> None:
    """A child: stage one CSV of the source, sending what it has as it goes."""
    try:
        with open_cot(path) as files:
            cot_file = files[file_index]
            stager = Stager(on_batch=pipe.send, batch_rows=batch_rows)

            def report(rows: int) -> None:
                pipe.send(ProgressReport(rows, cot_file.bytes_read, cot_file.size))

            stager.stage_file(
                file_index,
                cot_file.name,
                cot_file.header,
                cot_file.records,
                report if report_progress else None,
            )
            stager.hand_over()
            pipe.send(Finished(stager.read, stager.months, [cot_file.name]))
    except Exception as error:  # every failure goes to the parent, which raises it
        pipe.send(error)
    finally:
        pipe.close()


@contextmanager
def staged(path: Path, batch_rows: int, report_progress: bool) -> Iterator[Iterator]:
    """Start a reading process per CSV; yields their messages as they come: StagedBatch and
    ProgressReport (for the whole source), then one Finished for all of them. An error in a child
    is raised here; leaving early stops the children."""
    with open_cot(path) as files:
        names, total_bytes = [f.name for f in files], sum(f.size for f in files)
    context = multiprocessing.get_context("spawn")
    pipes: dict[Connection, int] = {}
    children = []
    for index in range(len(names)):
        receiving, sending = context.Pipe(duplex=False)
        child = context.Process(
            target=_stage,
            args=(path, index, batch_rows, report_progress, sending),
            name=f"cot-reader-{index}",
            daemon=True,
        )
        child.start()
        sending.close()
        pipes[receiving] = index
        children.append(child)

    def messages() -> Iterator[StagedBatch | ProgressReport | Finished]:
        progress = [ProgressReport(0, 0, 0)] * len(names)
        finished: list[Finished | None] = [None] * len(names)
        waiting = list(pipes)
        while waiting:
            for pipe in wait(waiting):
                index = pipes[pipe]
                try:
                    message = pipe.recv()
                except EOFError:
                    raise StagingCrashed(f"la lectura de {names[index]} terminó sin completarse") from None
                if isinstance(message, Exception):
                    raise message
                if isinstance(message, Finished):
                    finished[index] = message
                    waiting.remove(pipe)
                elif isinstance(message, ProgressReport):
                    progress[index] = message
                    yield ProgressReport(
                        sum(p.rows for p in progress), sum(p.bytes_read for p in progress), total_bytes
                    )
                else:
                    yield message
        yield Finished(
            read=sum(f.read for f in finished),
            months=set().union(*(f.months for f in finished)),
            file_names=names,
        )

    try:
        yield messages()
    finally:
        for pipe in pipes:
            pipe.close()
        for child in children:
            if child.is_alive():
                child.terminate()
            child.join()
