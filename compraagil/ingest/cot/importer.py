"""Import COT open-data files: a child process reads and validates them (staging_process); this
process COPYs what it sends into staging tables and upserts the dictionaries and tenders batch by
batch, then lands the quotes, their lines and the requested items set-based (`loading`).

Idempotent: the same file twice leaves the same rows (the second run counts them unchanged).
All or nothing: the history, dictionaries, tenders and rejects of a run land in one transaction;
a file that cannot be read fails the run with its error and writes nothing else. The tenders'
search columns are filled right after that commit (`compraagil.search.indexing`).
"""

import logging
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager, suppress
from functools import partial
from pathlib import Path

import psycopg

from compraagil.db import connect, database_url
from compraagil.errors import ImportFailed
from compraagil.ingest.cot.loading import land_history
from compraagil.ingest.cot.reader import UnreadableFile, locate_records
from compraagil.ingest.cot.split_cotizaciones import join_split_cotizaciones
from compraagil.ingest.cot.staged_rows import (
    BATCH_ROWS,
    ITEM_COLUMNS,
    LINE_COLUMNS,
    QUOTE_COLUMNS,
    SUPPLIER_COLUMNS,
    TENDER_COLUMNS,
    StagedBatch,
)
from compraagil.ingest.cot.staging_process import ProgressReport, StagingCrashed, staged
from compraagil.ingest.runs import (
    ImportCounts,
    ImportSummary,
    RejectSink,
    fail_run,
    finish_run,
    landed,
    open_run,
)
from compraagil.search import indexing

log = logging.getLogger(__name__)

STAGING_DDL = """
CREATE TEMP TABLE stage_lines (
    file_index smallint, record bigint, codigo text, closing_date date, published_date date, unit_code text,
    region smallint, supplier_rut text, quote_number smallint, line_number smallint, single_line boolean,
    product_code text, product_name text, description text, quantity numeric, quote_total numeric,
    currency text, winner boolean
) ON COMMIT DROP;
CREATE TEMP TABLE stage_quotes (
    codigo text, closing_date date, unit_code text, region smallint, supplier_rut text, quote_number smallint,
    total numeric, currency text, winner boolean, line_count smallint
) ON COMMIT DROP;
CREATE TEMP TABLE stage_items (
    codigo text, line_number integer, file_index smallint, record bigint, product_code text, name text,
    quantity numeric
) ON COMMIT DROP;
CREATE TEMP TABLE stage_tenders (
    codigo text, closing_date date, published_date date, state text, name text, description text,
    delivery_address text, delivery_days integer, amount_available numeric, unit_code text,
    unit_name text, organismo text, unit_rut text, region smallint, items_text text, quotes_received integer,
    fingerprint text
) ON COMMIT DROP;
CREATE TEMP TABLE unchanged_cotizaciones (codigo text) ON COMMIT DROP;
CREATE TEMP TABLE stage_suppliers (rut text, name text, size text) ON COMMIT DROP;
CREATE TEMP TABLE stage_products (name text) ON COMMIT DROP;
CREATE TEMP TABLE changed_suppliers (rut text) ON COMMIT DROP;
CREATE TEMP TABLE changed_buyers (unit_code text) ON COMMIT DROP;
CREATE TEMP TABLE changed_tenders (
    id bigint GENERATED ALWAYS AS IDENTITY, codigo text, old_state text, old_items_missing boolean,
    old_quotes_received integer
) ON COMMIT DROP;
"""
"""Staging for a run; `changed_*` remember the known suppliers, buyers and tenders it changed (a
tender with what it was, for a cotización staged in parts: see split_cotizaciones), and
`unchanged_cotizaciones` those whose records are exactly as last imported (their quotes, lines and
items are not landed again)."""

UPSERT_DICTIONARIES = """
INSERT INTO unchanged_cotizaciones  -- looked up one by one: a join would read every known tender
SELECT s.codigo FROM stage_tenders s
WHERE s.fingerprint = (SELECT t.cot_fingerprint FROM tenders t WHERE t.codigo = s.codigo);

WITH upserted AS (
    INSERT INTO suppliers (rut, name, size)
    SELECT rut, name, size FROM stage_suppliers
    ON CONFLICT (rut) DO UPDATE SET name = excluded.name, size = coalesce(excluded.size, suppliers.size)
    WHERE (suppliers.name, suppliers.size) IS DISTINCT FROM (excluded.name, coalesce(excluded.size, suppliers.size))
    RETURNING rut, old.id IS NOT NULL AS changed
)
INSERT INTO changed_suppliers SELECT rut FROM upserted WHERE changed;

WITH upserted AS (
    INSERT INTO buyers (unit_code, unit_name, organismo, rut, region)
    SELECT DISTINCT ON (unit_code) unit_code, coalesce(unit_name, organismo, unit_code),
           coalesce(organismo, unit_name, unit_code), unit_rut, region
    FROM stage_tenders WHERE unit_code IS NOT NULL
    ORDER BY unit_code, closing_date DESC
    ON CONFLICT (unit_code) DO UPDATE SET unit_name = excluded.unit_name, organismo = excluded.organismo,
        rut = coalesce(excluded.rut, buyers.rut), region = coalesce(excluded.region, buyers.region)
    WHERE (buyers.unit_name, buyers.organismo, buyers.rut, buyers.region)
          IS DISTINCT FROM (excluded.unit_name, excluded.organismo, coalesce(excluded.rut, buyers.rut),
                            coalesce(excluded.region, buyers.region))
    RETURNING unit_code, old.id IS NOT NULL AS changed
)
INSERT INTO changed_buyers SELECT unit_code FROM upserted WHERE changed;

-- known names are left out before inserting: a row's generated key is computed even when it then
-- conflicts (two thirds of a batch's names are known: ~1 s per 1M lines)
INSERT INTO products (name)
SELECT name FROM stage_products s WHERE NOT EXISTS (SELECT FROM products p WHERE p.name = s.name)
ON CONFLICT (name) DO NOTHING;

WITH upserted AS (
    INSERT INTO tenders (codigo, name, description, state, buyer_id, region, published_at, closes_at,
                         amount_available, delivery_address, delivery_days, items_text, quotes_received,
                         cot_fingerprint, source)
    SELECT DISTINCT ON (t.codigo) t.codigo, t.name, t.description, coalesce(t.state, 'cerrada'), b.id, t.region,
           t.published_date::timestamp AT TIME ZONE 'America/Santiago',
           t.closing_date::timestamp AT TIME ZONE 'America/Santiago',
           round(t.amount_available)::bigint, t.delivery_address, t.delivery_days, t.items_text, t.quotes_received,
           t.fingerprint, 'cot'
    FROM stage_tenders t LEFT JOIN buyers b ON b.unit_code = t.unit_code
    -- a tender already as staged is left alone before its search text is computed; looked up one
    -- by one (as a join, every batch would read every known tender)
    WHERE (SELECT ROW(known.state, known.items_text IS NOT NULL, known.quotes_received, known.cot_fingerprint)
           FROM tenders known WHERE known.codigo = t.codigo)
          IS DISTINCT FROM ROW(coalesce(t.state, 'cerrada'), true, t.quotes_received, t.fingerprint)
    ORDER BY t.codigo
    ON CONFLICT (codigo) DO UPDATE SET
        state = excluded.state,
        name = coalesce(tenders.name, excluded.name),
        description = coalesce(tenders.description, excluded.description),
        buyer_id = coalesce(tenders.buyer_id, excluded.buyer_id),
        region = coalesce(tenders.region, excluded.region),
        published_at = coalesce(tenders.published_at, excluded.published_at),
        closes_at = coalesce(tenders.closes_at, excluded.closes_at),
        amount_available = coalesce(tenders.amount_available, excluded.amount_available),
        delivery_address = coalesce(tenders.delivery_address, excluded.delivery_address),
        delivery_days = coalesce(tenders.delivery_days, excluded.delivery_days),
        items_text = coalesce(tenders.items_text, excluded.items_text),
        quotes_received = excluded.quotes_received,
        cot_fingerprint = excluded.cot_fingerprint,
        updated_at = now()
    WHERE tenders.state IS DISTINCT FROM excluded.state OR tenders.items_text IS NULL
       OR tenders.quotes_received IS DISTINCT FROM excluded.quotes_received
       OR tenders.cot_fingerprint IS DISTINCT FROM excluded.cot_fingerprint
    RETURNING codigo,
              old.id IS NOT NULL AND (old.state IS DISTINCT FROM new.state OR old.items_text IS NULL
                                      OR old.quotes_received IS DISTINCT FROM new.quotes_received) AS changed,
              old.state, old.items_text IS NULL AS items_missing, old.quotes_received
)
INSERT INTO changed_tenders (codigo, old_state, old_items_missing, old_quotes_received)
SELECT codigo, state, items_missing, quotes_received FROM upserted WHERE changed;
"""


Progress = Callable[[int, float], None]
"""Called now and then with the rows read so far and the fraction of bytes read (0..1)."""


def import_cot_file(
    path: Path,
    *,
    kind: str = "cot_file",
    source: str | None = None,
    progress: Progress | None = None,
    batch_rows: int = BATCH_ROWS,
) -> ImportSummary:
    """Import one COT source (a month's zip or a CSV) and return its summary."""
    path = Path(path)
    source = source or path.name
    started = time.monotonic()
    with connect() as conn:
        run_id = open_run(conn, source=source, kind=kind)
        try:
            # cotizaciones read exactly as last imported are not staged, unless one came in parts
            # and lost one: then the source is read again, whole (see _PartLeftOut)
            for last_imported_in in (database_url(), None):
                with suppress(_PartLeftOut), conn.transaction():
                    conn.execute(indexing.DEFER)
                    counts = _load(conn, path, run_id, progress, batch_rows, last_imported_in)
                    finish_run(conn, run_id, counts, metric_source="cot")
                    break
        except (UnreadableFile, StagingCrashed, psycopg.Error, OSError) as error:
            message = str(error).strip() or type(error).__name__
            fail_run(conn, run_id, message)
            raise ImportFailed(f"{source}: {message}") from error
    seconds = time.monotonic() - started
    followed = landed(counts)
    return ImportSummary(run_id=run_id, source=source, counts=counts, seconds=seconds, followed=followed)


class _PartLeftOut(Exception):
    """A cotización came in parts and one was left out as last imported: its other parts alone
    would land as the whole (rare: a part can be exactly what the whole cotización was)."""


@contextmanager
def _phase(name: str, run_id: int):
    """Log how long each phase of an import takes (the figures behind its throughput)."""
    started = time.monotonic()
    yield
    log.info(
        "import phase done",
        extra={"run_id": run_id, "phase": name, "seconds": round(time.monotonic() - started, 3)},
    )


def _load(
    conn: psycopg.Connection,
    path: Path,
    run_id: int,
    progress: Progress | None,
    batch_rows: int,
    last_imported_in: str | None,
) -> ImportCounts:
    """Load batches of staged rows as a child process reads and stages them (see staging_process);
    cotizaciones read exactly as last imported in `last_imported_in` are not staged."""
    # the staging of a month's file (~1M lines) stays in memory instead of spilling to disk
    conn.execute("SET temp_buffers = '1GB'")
    conn.execute(STAGING_DDL)
    with tempfile.TemporaryFile("w+", encoding="utf-8") as reject_spool:
        rejects = RejectSink(reject_spool)
        with (
            _phase("stage and dictionaries", run_id),
            staged(path, batch_rows, progress is not None, last_imported_in) as messages,
        ):
            for message in messages:
                if isinstance(message, StagedBatch):
                    for reject in message.rejects:
                        rejects.add(*reject)
                    _load_batch(conn, message)
                elif isinstance(message, ProgressReport):
                    progress(message.rows, message.fraction)
                else:
                    finished = message
        if finished.unstaged_split:
            raise _PartLeftOut(finished.split_cotizaciones)
        with _phase("quotes", run_id):
            duplicates = finished.duplicates
            if finished.split_cotizaciones:
                duplicates += join_split_cotizaciones(conn, finished.split_cotizaciones)
            # Fresh statistics, or the planner may join a million staged rows to a dictionary
            # it believes empty one by one (seen: 333 s instead of 2 s).
            # A small sample is enough for row counts and join estimates.
            conn.execute("SET LOCAL default_statistics_target = 10")
            conn.execute(
                "ANALYZE stage_lines, stage_quotes, unchanged_cotizaciones, suppliers, products, buyers"
            )
            conn.execute("RESET default_statistics_target")
            inserted, updated = land_history(conn, run_id, finished.months)
        rejects.store(conn, run_id, partial(locate_records, path))
    return ImportCounts(
        read=finished.read,
        inserted=inserted,
        updated=updated,
        duplicates=duplicates,
        rejected=rejects.count,
    )


def _load_batch(conn: psycopg.Connection, batch: StagedBatch) -> None:
    """Add a batch to the staged lines, quotes and items; upsert its suppliers, buyers, products
    and tenders."""
    conn.execute("TRUNCATE stage_tenders, stage_suppliers, stage_products")
    for table, columns, chunks in (
        ("stage_lines", LINE_COLUMNS, batch.lines),
        ("stage_quotes", QUOTE_COLUMNS, batch.quotes),
        ("stage_items", ITEM_COLUMNS, batch.items),
        ("stage_tenders", TENDER_COLUMNS, batch.tenders),
        ("stage_suppliers", SUPPLIER_COLUMNS, batch.suppliers),
        ("stage_products", ("name",), batch.products),
    ):
        with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT csv)") as copy:
            for chunk in chunks:
                copy.write(chunk)
    conn.execute(UPSERT_DICTIONARIES)
