"""Import runs: opened before reading, closed with their counts, or failed with their error."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

import psycopg

from compraagil import cache
from compraagil.ingest.copy_format import copy_field, copy_line
from compraagil.metrics import IMPORT_ROWS
from compraagil.search import vocabulary


@dataclass
class ImportCounts:
    """What became of every row read: each one is inserted, updated, unchanged or rejected."""

    read: int = 0
    inserted: int = 0
    updated: int = 0
    rejected: int = 0

    @property
    def unchanged(self) -> int:
        return self.read - self.inserted - self.updated - self.rejected


@dataclass(frozen=True)
class ImportSummary:
    run_id: int
    source: str
    counts: ImportCounts
    seconds: float

    def line(self) -> str:
        """The one-line summary the CLI prints."""
        c = self.counts
        rate = c.read / self.seconds if self.seconds else 0
        return (
            f"run {self.run_id} {self.source}: read {c.read} · inserted {c.inserted} · updated {c.updated}"
            f" · unchanged {c.unchanged} · rejected {c.rejected} · {self.seconds:.1f} s ({rate:,.0f} rows/s)"
        )


def open_run(conn: psycopg.Connection, *, source: str, kind: str) -> int:
    """Record a started run (committed at once, so a failure can be recorded against it)."""
    with conn.transaction():
        return conn.execute(
            "INSERT INTO import_runs (source, kind) VALUES (%s, %s) RETURNING id", (source, kind)
        ).fetchone()[0]


def finish_run(conn: psycopg.Connection, run_id: int, counts: ImportCounts, *, metric_source: str) -> None:
    """Store the counts and mark the run succeeded (inside the caller's transaction)."""
    conn.execute(
        """
        UPDATE import_runs SET status = 'succeeded', finished_at = clock_timestamp(),
               rows_read = %s, rows_inserted = %s, rows_updated = %s, rows_unchanged = %s,
               rows_rejected = %s
        WHERE id = %s
        """,
        (counts.read, counts.inserted, counts.updated, counts.unchanged, counts.rejected, run_id),
    )
    for outcome in ("inserted", "updated", "unchanged", "rejected"):
        IMPORT_ROWS.labels(source=metric_source, outcome=outcome).inc(getattr(counts, outcome))


def landed(counts: ImportCounts) -> None:
    """After a run's commit: the search vocabulary follows the new data, cached figures are dropped."""
    if counts.inserted or counts.updated:
        vocabulary.refresh()
        cache.invalidate()


def fail_run(conn: psycopg.Connection, run_id: int, error: str) -> None:
    """Mark the run failed with the error people will read (its own transaction)."""
    with conn.transaction():
        conn.execute(
            "UPDATE import_runs SET status = 'failed', finished_at = clock_timestamp(), error = %s WHERE id = %s",
            (error, run_id),
        )


class RejectSink:
    """Rejected rows, spooled to a file (a file full of bad rows must not fill memory). Their exact
    texts are read from the source in one pass when they are stored."""

    def __init__(self, spool: IO[str]) -> None:
        self._spool = spool
        self._lines: dict[str, dict[int, int | None]] = {}
        self.count = 0

    def add(self, *, file_name: str, line_number: int, reason: str, last_line: int | None = None) -> None:
        """Keep one rejected record: the file and lines it spans (the last, when known), and why."""
        self._lines.setdefault(file_name, {})[line_number] = last_line
        self._spool.write(copy_line((file_name, line_number, reason)))
        self.count += 1

    def store(
        self, conn: psycopg.Connection, run_id: int, texts: Callable[[dict[str, dict[int, int | None]]], dict]
    ) -> None:
        """COPY every reject into import_rejects for `run_id`, with the text `texts(wanted)` reads
        for it (by file name and line, as `cot_reader.record_texts` does; line endings dropped)."""
        found = texts(self._lines) if self._lines else {}
        by_spooled_name = {(copy_field(name), str(line)): text for (name, line), text in found.items()}
        self._spool.seek(0)
        with conn.cursor().copy(
            "COPY import_rejects (run_id, file_name, line_number, reason, raw_line) FROM STDIN"
        ) as copy:
            for line in self._spool:
                file_name, line_number, _ = line.split("\t", 2)
                raw = by_spooled_name.get((file_name, line_number), "").rstrip("\r\n")
                copy.write(f"{run_id}\t{line[:-1]}\t{copy_field(raw)}\n")
