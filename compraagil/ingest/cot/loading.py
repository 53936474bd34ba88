"""Move staged quotes, their lines and the requested items into the history: months new to it are
bulk-loaded into fresh partitions, the others are upserted row by row against their natural keys.

A fresh partition is filled without indexes, then attached, which builds its indexes in one sort
each: several times faster than maintaining them row by row. Duplicate lines were dropped before
they get here; the unique keys are the safety net (a line that slipped through twice fails the
import rather than landing twice).

COT's MontoTotal is a quote's total: it lands on the quote (`quotes.total`), never on its lines;
a quote of a single line also gives that line's unit price (total ÷ quantity).
"""

import logging
from dataclasses import dataclass
from datetime import date

import psycopg

from compraagil.chile.dates import add_months
from compraagil.pricing import history

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HistoryTable:
    """A partitioned history table and how staged rows become its rows."""

    name: str
    columns: str
    values: str
    """A SELECT of `columns` from the staging (`%(run_id)s` is the run; `{landed}` the filter that
    leaves out unchanged cotizaciones)."""
    key: str
    changes: str
    """The non-key columns an upsert compares and sets."""

    alias: str
    """The staging table's alias in `values`."""

    def select(self, *, some_unchanged: bool) -> str:
        """The SELECT of the staged rows to land."""
        return self.values.format(landed=landed_filter(self.alias, some_unchanged))


def landed_filter(alias: str, some_unchanged: bool) -> str:
    """Rows of cotizaciones to land: all when none is unchanged (on an empty table of unchanged ones
    the planner picks a nested loop that costs a scan per row: a third of a second per million)."""
    if not some_unchanged:
        return "true"
    return f"NOT EXISTS (SELECT 1 FROM unchanged_cotizaciones u WHERE u.codigo = {alias}.codigo)"


LINES = HistoryTable(
    name="quote_lines",
    columns="""closing_date, tender_codigo, supplier_id, quote_number, line_number, published_date, buyer_id,
               product_id, product_code, description, quantity, unit_price, amount, currency, winner, region,
               import_run_id""",
    values="""
    SELECT s.closing_date, s.codigo, sup.id, s.quote_number, s.line_number, s.published_date, b.id, p.id,
           s.product_code, s.description, s.quantity,
           CASE WHEN s.single_line AND s.quantity > 0 THEN round(s.quote_total / s.quantity, 4) END,
           NULL::numeric, s.currency, s.winner, s.region, %(run_id)s
    FROM stage_lines s
    JOIN suppliers sup ON sup.rut = s.supplier_rut
    JOIN products p ON p.name = s.product_name
    LEFT JOIN buyers b ON b.unit_code = s.unit_code
    WHERE {landed}""",
    key="closing_date, tender_codigo, supplier_id, quote_number, line_number",
    changes="""published_date, buyer_id, product_id, product_code, description, quantity, unit_price, amount,
               currency, winner, region""",
    alias="s",
)

QUOTES = HistoryTable(
    name="quotes",
    columns="""closing_date, tender_codigo, supplier_id, quote_number, buyer_id, region, currency, total,
               total_clp, winner, line_count, import_run_id""",
    values="""
    SELECT q.closing_date, q.codigo, sup.id, q.quote_number, b.id, q.region, q.currency, q.total,
           CASE WHEN q.currency = 'CLP' THEN q.total END, q.winner, q.line_count, %(run_id)s
    FROM stage_quotes q
    JOIN suppliers sup ON sup.rut = q.supplier_rut
    LEFT JOIN buyers b ON b.unit_code = q.unit_code
    WHERE {landed}""",
    key="closing_date, tender_codigo, supplier_id, quote_number",
    changes="buyer_id, region, currency, total, total_clp, winner, line_count",
    alias="q",
)

IN_MONTHS = "WHERE date_trunc('month', closing_date)::date = ANY(%(months)s::date[])"
NOT_IN_MONTHS = "WHERE date_trunc('month', closing_date)::date <> ALL(%(months)s::date[])"

LINES_TOUCHED_BY_DICTIONARIES = """
SELECT count(*) FROM stage_lines s JOIN suppliers sup ON sup.rut = s.supplier_rut
WHERE date_trunc('month', s.closing_date)::date <> ALL(%(fresh)s::date[])
  AND (s.codigo IN (SELECT codigo FROM changed_tenders)
       OR s.supplier_rut IN (SELECT rut FROM changed_suppliers)
       OR s.unit_code IN (SELECT unit_code FROM changed_buyers))
  AND NOT EXISTS (SELECT 1 FROM landed_lines l
                  WHERE l.tender_codigo = s.codigo AND l.supplier_id = sup.id
                    AND l.quote_number = s.quote_number AND l.line_number = s.line_number)
"""
"""Lines whose own values did not change but whose tender, supplier or buyer did: updated too."""

LANDED_DAYS = """
SELECT DISTINCT closing_date FROM stage_quotes q
WHERE NOT EXISTS (SELECT 1 FROM unchanged_cotizaciones u WHERE u.codigo = q.codigo)
"""
"""The closing days of the cotizaciones written (new or changed): their months' prices are rebuilt."""

LANDED_COTIZACIONES = """
SELECT DISTINCT codigo, closing_date FROM stage_quotes q
WHERE NOT EXISTS (SELECT 1 FROM unchanged_cotizaciones u WHERE u.codigo = q.codigo)
  AND date_trunc('month', q.closing_date)::date <> ALL(%(fresh)s::date[])
"""

DROP_STALE = (
    f"""
DELETE FROM quote_lines l USING ({LANDED_COTIZACIONES}) c
WHERE l.tender_codigo = c.codigo AND l.closing_date = c.closing_date
  AND NOT EXISTS (SELECT 1 FROM stage_lines s JOIN suppliers sup ON sup.rut = s.supplier_rut
                  WHERE s.codigo = l.tender_codigo AND s.closing_date = l.closing_date AND sup.id = l.supplier_id
                    AND s.quote_number = l.quote_number AND s.line_number = l.line_number)
""",
    f"""
DELETE FROM quotes q USING ({LANDED_COTIZACIONES}) c
WHERE q.tender_codigo = c.codigo AND q.closing_date = c.closing_date
  AND NOT EXISTS (SELECT 1 FROM stage_quotes s JOIN suppliers sup ON sup.rut = s.supplier_rut
                  WHERE s.codigo = q.tender_codigo AND s.closing_date = q.closing_date AND sup.id = q.supplier_id
                    AND s.quote_number = q.quote_number)
""",
    """
DELETE FROM tender_items i USING tenders t, (SELECT codigo, max(line_number) AS last FROM stage_items GROUP BY codigo) s
WHERE t.codigo = s.codigo AND t.source = 'cot' AND i.tender_id = t.id AND i.line_number > s.last
  AND NOT EXISTS (SELECT 1 FROM unchanged_cotizaciones u WHERE u.codigo = s.codigo)
""",
)
"""A cotización landed again (its records changed) keeps only the quotes, lines and items its
records now have: those the source dropped are deleted (within the partition of its closing date)."""

LAND_ITEMS = """
INSERT INTO tender_items (tender_id, line_number, product_code, name, quantity)
SELECT t.id, i.line_number, nullif(i.product_code, ''), coalesce(i.name, i.product_code, 'Producto'), i.quantity
FROM stage_items i JOIN tenders t ON t.codigo = i.codigo AND t.source = 'cot'
WHERE {landed}
ON CONFLICT (tender_id, line_number) DO UPDATE SET
    product_code = excluded.product_code, name = excluded.name, quantity = excluded.quantity
WHERE (tender_items.product_code, tender_items.name, tender_items.quantity)
      IS DISTINCT FROM (excluded.product_code, excluded.name, excluded.quantity)
"""
"""A COT tender's requested items: the distinct products its lines quote, in order of appearance
(tenders from the API keep the items the API lists). Cotizaciones whose records did not change
since their last import are not landed again (`unchanged_cotizaciones`), here or in the history."""


def partition_name(table: str, month: date) -> str:
    """A month's partition, as `ensure_month_partition()` names it."""
    return f"{table}_y{month:%Y}m{month:%m}"


def _fresh_months(conn: psycopg.Connection, months: list[date]) -> list[date]:
    """Months the history has no partition and no rows for (locked until the transaction ends)."""
    fresh = []
    for month in months:
        names = [partition_name(table.name, month) for table in (LINES, QUOTES)]
        for name in names:
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (name,))
        exists = conn.execute(
            """SELECT to_regclass(%(lines)s) IS NOT NULL OR to_regclass(%(quotes)s) IS NOT NULL OR EXISTS (
                   SELECT 1 FROM quote_lines_default WHERE closing_date >= %(start)s AND closing_date < %(end)s)""",
            {"lines": names[0], "quotes": names[1], "start": month, "end": add_months(month, 1)},
        ).fetchone()[0]
        if not exists:
            fresh.append(month)
    return fresh


def _load_fresh(
    conn: psycopg.Connection, table: HistoryTable, run_id: int, months: list[date], some_unchanged: bool
) -> int:
    """Fill new partitions through a routing table of their own, then attach them to the history.

    Each partition carries a CHECK of its bounds while it is filled, so attaching it skips the scan
    that would prove its rows belong there; the CHECK is dropped once attached."""
    incoming = f"{table.name}_incoming_{run_id}"
    conn.execute(
        f"CREATE TABLE {incoming} (LIKE {table.name} INCLUDING DEFAULTS) PARTITION BY RANGE (closing_date)"
    )
    bounds = {month: f"FOR VALUES FROM ('{month}') TO ('{add_months(month, 1)}')" for month in months}
    for month in months:
        name = partition_name(table.name, month)
        conn.execute(f"CREATE TABLE {name} PARTITION OF {incoming} {bounds[month]}")
        conn.execute(
            f"ALTER TABLE {name} ADD CONSTRAINT {name}_bounds"
            f" CHECK (closing_date >= '{month}' AND closing_date < '{add_months(month, 1)}')"
        )
    inserted = conn.execute(
        f"INSERT INTO {incoming} ({table.columns})"
        f" SELECT * FROM ({table.select(some_unchanged=some_unchanged)}) v {IN_MONTHS}",
        {"run_id": run_id, "months": months},
    ).rowcount
    for month in months:
        name = partition_name(table.name, month)
        conn.execute(f"ALTER TABLE {incoming} DETACH PARTITION {name}")
        conn.execute(f"ALTER TABLE {table.name} ATTACH PARTITION {name} {bounds[month]}")
        conn.execute(f"ALTER TABLE {name} DROP CONSTRAINT {name}_bounds")
    conn.execute(f"DROP TABLE {incoming}")
    return inserted


def _upsert(table: HistoryTable, some_unchanged: bool) -> str:
    """Insert the staged rows of known months, updating those whose values changed."""
    changes = [column.strip() for column in table.changes.split(",")]
    return f"""
    INSERT INTO {table.name} ({table.columns})
    SELECT * FROM ({table.select(some_unchanged=some_unchanged)}) v {NOT_IN_MONTHS}
    ON CONFLICT ({table.key}) DO UPDATE SET
        {", ".join(f"{column} = excluded.{column}" for column in changes)}, import_run_id = excluded.import_run_id
    WHERE ({", ".join(f"{table.name}.{column}" for column in changes)})
          IS DISTINCT FROM ({", ".join(f"excluded.{column}" for column in changes)})
    """


def land_history(conn: psycopg.Connection, run_id: int, months: set[date]) -> tuple[int, int]:
    """Move the staged quotes and lines into the history and the requested items into
    tender_items; returns the lines (inserted, updated)."""
    conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
    fresh = _fresh_months(conn, sorted(months))
    some_unchanged = conn.execute("SELECT EXISTS (SELECT FROM unchanged_cotizaciones)").fetchone()[0]
    inserted = upserted = updated = 0
    if fresh:
        inserted = _load_fresh(conn, LINES, run_id, fresh, some_unchanged)
        _load_fresh(conn, QUOTES, run_id, fresh, some_unchanged)
    if known := sorted(months.difference(fresh)):
        upserted, updated = _upsert_known(conn, run_id, known, fresh, some_unchanged)
    conn.execute(LAND_ITEMS.format(landed=landed_filter("i", some_unchanged)))
    history.mark_months(conn, [day for (day,) in conn.execute(LANDED_DAYS)])
    return inserted + upserted, updated


def _upsert_known(
    conn: psycopg.Connection, run_id: int, known: list[date], fresh: list[date], some_unchanged: bool
) -> tuple[int, int]:
    """Upsert the staged rows of months the history already has; returns the lines (inserted,
    updated), counting as updated the lines whose tender, supplier or buyer changed."""
    for month in known:
        for table in (LINES, QUOTES):
            conn.execute("SELECT ensure_month_partition(%s, %s)", (table.name, month))
    conn.execute(
        "CREATE TEMP TABLE landed_lines (tender_codigo text, supplier_id integer, quote_number smallint,"
        " line_number smallint, inserted boolean) ON COMMIT DROP"
    )
    conn.execute(
        f"WITH upserted AS ({_upsert(LINES, some_unchanged)} RETURNING tender_codigo, supplier_id, quote_number, line_number,"
        " old.closing_date IS NULL) INSERT INTO landed_lines SELECT * FROM upserted",
        {"run_id": run_id, "months": fresh},
    )
    conn.execute(_upsert(QUOTES, some_unchanged), {"run_id": run_id, "months": fresh})
    inserted, updated = conn.execute(
        "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM landed_lines"
    ).fetchone()
    if conn.execute(
        "SELECT EXISTS (SELECT FROM changed_tenders) OR EXISTS (SELECT FROM changed_suppliers)"
        " OR EXISTS (SELECT FROM changed_buyers)"
    ).fetchone()[0]:
        updated += conn.execute(LINES_TOUCHED_BY_DICTIONARIES, {"fresh": fresh}).fetchone()[0]
    dropped = [conn.execute(statement, {"fresh": fresh}).rowcount for statement in DROP_STALE]
    if any(dropped):
        log.info(
            "rows the source no longer has",
            extra=dict(zip(("lines", "quotes", "items"), dropped, strict=True)),
        )
    return inserted, updated
