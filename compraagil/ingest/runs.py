"""Import runs: opened before reading, closed with their counts, or failed with their error."""

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

import psycopg

from compraagil import after_import, cache
from compraagil.metrics import IMPORT_ROWS
from compraagil.pricing import history
from compraagil.search import indexing, vocabulary

log = logging.getLogger(__name__)


@dataclass
class ImportCounts:
    """What became of every row read: each one is inserted, updated, unchanged, a duplicate
    (identical to another line of the same quote, so not stored twice) or rejected."""

    read: int = 0
    inserted: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected: int = 0

    @property
    def unchanged(self) -> int:
        return self.read - self.inserted - self.updated - self.duplicates - self.rejected


@dataclass(frozen=True)
class Followed:
    """What `landed` did after a run's commit."""

    indexed: indexing.Indexed
    """Tenders whose search columns it filled."""
    prices: history.Refreshed
    """Months of priced lines it rebuilt."""


@dataclass(frozen=True)
class ImportSummary:
    run_id: int
    source: str
    counts: ImportCounts
    seconds: float
    """Until the run's data landed (committed)."""
    followed: Followed | None = None
    """What followed its landing: search columns (COT imports defer them) and prices."""

    def line(self) -> str:
        """The one-line summary the CLI prints, in Spanish with Chilean number formats."""
        from compraagil.chile.money import format_count

        c = self.counts
        rate = round(c.read / self.seconds) if self.seconds else 0
        line = (
            f"importación {self.run_id} {self.source}: leídas {format_count(c.read)}"
            f" · nuevas {format_count(c.inserted)} · actualizadas {format_count(c.updated)}"
            f" · sin cambios {format_count(c.unchanged)} · duplicadas {format_count(c.duplicates)}"
            f" · rechazadas {format_count(c.rejected)} · {_seconds(self.seconds)} s ({format_count(rate)} filas/s)"
        )
        indexed, prices = (self.followed.indexed, self.followed.prices) if self.followed else (None, None)
        if indexed and indexed.tenders:
            line += (
                f" · buscables {_seconds(indexed.seconds)} s después"
                f" ({format_count(indexed.tenders)} licitaciones indexadas)"
            )
        if prices and prices.months:
            after = prices.seconds + (indexed.seconds if indexed else 0)
            line += f" · precios al día {_seconds(after)} s después ({prices.months} meses)"
        return line


def _seconds(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


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
               rows_duplicates = %s, rows_rejected = %s
        WHERE id = %s
        """,
        (
            counts.read, counts.inserted, counts.updated, counts.unchanged, counts.duplicates,
            counts.rejected, run_id,
        ),
    )  # fmt: skip
    for outcome in ("inserted", "updated", "unchanged", "duplicates", "rejected"):
        IMPORT_ROWS.labels(source=metric_source, outcome=outcome).inc(getattr(counts, outcome))


def landed(counts: ImportCounts) -> Followed:
    """After a run's commit: tenders it left without search columns get them, the search
    vocabulary follows the new data, the months of prices it changed are rebuilt, cached figures
    are dropped, then the registered «after import» steps run (`compraagil.after_import`).

    The run has landed whatever happens here: a database error is logged, the tenders still
    pending are filled by the next alert matching (every minute) or the next import, and the months
    still marked by the next import."""
    indexed = indexing.Indexed(tenders=0, seconds=0.0)
    refreshed = history.Refreshed(months=0, seconds=0.0)
    try:
        indexed = indexing.fill_pending()
        if counts.inserted or counts.updated or indexed.tenders:
            vocabulary.refresh()
        refreshed = history.refresh_pending()
    except psycopg.Error:
        log.exception(
            "search indexing or prices after an import failed; retried by the next matching or import"
        )
    if counts.inserted or counts.updated or indexed.tenders or refreshed.months:
        cache.invalidate()
        after_import.run(counts)
    return Followed(indexed, refreshed)


def fail_run(conn: psycopg.Connection, run_id: int, error: str) -> None:
    """Mark the run failed with the error people will read (its own transaction)."""
    with conn.transaction():
        conn.execute(
            "UPDATE import_runs SET status = 'failed', finished_at = clock_timestamp(), error = %s WHERE id = %s",
            (error, run_id),
        )


class RejectSink:
    """Rejected records, spooled to a file (a file full of bad rows must not fill memory) by their
    number in the file. Where each starts and its exact text are found in one pass over the
    source when they are stored."""

    def __init__(self, spool: IO[str]) -> None:
        self._spool = spool
        self._wanted: dict[str, set[int]] = {}
        self.count = 0

    def add(self, file_name: str, record: int, reason: str) -> None:
        """Keep one rejected record and why."""
        self._wanted.setdefault(file_name, set()).add(record)
        self._spool.write(json.dumps([file_name, record, reason]) + "\n")
        self.count += 1

    def store(
        self, conn: psycopg.Connection, run_id: int, locate: Callable[[dict[str, set[int]]], dict]
    ) -> None:
        """COPY every reject into import_rejects for `run_id`, with the line it starts on and its
        text, as `locate(wanted)` finds them (by file name and record, as `cot.reader.locate_records`)."""
        found = locate(self._wanted) if self._wanted else {}

        def located(file_name: str, record: int) -> tuple[int, str]:
            """Its line and text; one the second pass missed keeps the line it would have, no text."""
            return found.get((file_name, record), (record + 1, ""))

        self._spool.seek(0)
        with conn.cursor().copy(
            "COPY import_rejects (run_id, file_name, line_number, reason, raw_line) FROM STDIN"
        ) as copy:
            for spooled in self._spool:
                file_name, record, reason = json.loads(spooled)
                line, text = located(file_name, record)
                copy.write_row((run_id, file_name, line, reason, text))
