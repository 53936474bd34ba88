"""Move staged quotes into the history: months new to it are bulk-loaded into fresh partitions,
the others are upserted row by row against their natural key.

A fresh partition is filled without indexes, then attached to `quotes`, which builds its indexes
in one sort each: several times faster than maintaining them row by row. Repeated rows are
rejected before they get here; the unique key is the safety net (a repeat that slipped through
fails the import rather than landing twice).
"""

from datetime import date

import psycopg

QUOTE_VALUES = """
    SELECT s.closing_date, s.published_date, s.codigo, b.id, sup.id, p.id, s.product_code, s.quantity, s.amount,
           CASE WHEN s.quantity > 0 AND NOT s.amount_is_quote_total THEN round(s.amount / s.quantity, 4) END,
           s.currency, s.winner, s.region, %(run_id)s
    FROM stage_quotes s
    JOIN suppliers sup ON sup.rut = s.supplier_rut
    JOIN products p ON p.name = s.product_name
    LEFT JOIN buyers b ON b.unit_code = s.unit_code
"""

QUOTE_COLUMNS = """
    closing_date, published_date, tender_codigo, buyer_id, supplier_id, product_id, product_code, quantity,
    amount, unit_price, currency, winner, region, import_run_id
"""

UPSERT_QUOTES = f"""
WITH upserted AS (
    INSERT INTO quotes ({QUOTE_COLUMNS})
    {QUOTE_VALUES}
    WHERE date_trunc('month', s.closing_date)::date <> ALL(%(fresh)s::date[])
    ON CONFLICT (closing_date, tender_codigo, supplier_id, product_code, product_id) DO UPDATE SET
        buyer_id = excluded.buyer_id, quantity = excluded.quantity, amount = excluded.amount,
        unit_price = excluded.unit_price, currency = excluded.currency, winner = excluded.winner,
        region = excluded.region, import_run_id = excluded.import_run_id
    WHERE (quotes.buyer_id, quotes.quantity, quotes.amount, quotes.unit_price, quotes.currency,
           quotes.winner, quotes.region)
          IS DISTINCT FROM (excluded.buyer_id, excluded.quantity, excluded.amount, excluded.unit_price,
                            excluded.currency, excluded.winner, excluded.region)
    RETURNING old.closing_date IS NULL AS inserted
)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted
"""

FILL_FRESH = f"""
INSERT INTO {{incoming}} ({QUOTE_COLUMNS})
{QUOTE_VALUES}
WHERE date_trunc('month', s.closing_date)::date = ANY(%(fresh)s::date[])
"""


def partition_name(month: date) -> str:
    """The history partition of a month, as `ensure_quotes_partition()` names it."""
    return f"quotes_y{month:%Y}m{month:%m}"


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _fresh_months(conn: psycopg.Connection, months: list[date]) -> list[date]:
    """Months the history has no partition and no rows for (locked until the transaction ends)."""
    fresh = []
    for month in months:
        name = partition_name(month)
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (name,))
        exists = conn.execute(
            """SELECT to_regclass(%(name)s) IS NOT NULL OR EXISTS (
                   SELECT 1 FROM quotes_default WHERE closing_date >= %(start)s AND closing_date < %(end)s)""",
            {"name": name, "start": month, "end": _next_month(month)},
        ).fetchone()[0]
        if not exists:
            fresh.append(month)
    return fresh


def _load_fresh(conn: psycopg.Connection, run_id: int, months: list[date]) -> int:
    """Fill new partitions through a routing table of their own, then attach them to the history."""
    incoming = f"quotes_incoming_{run_id}"
    conn.execute(
        f"CREATE TABLE {incoming} (LIKE quotes INCLUDING DEFAULTS) PARTITION BY RANGE (closing_date)"
    )
    for month in months:
        conn.execute(
            f"CREATE TABLE {partition_name(month)} PARTITION OF {incoming}"
            f" FOR VALUES FROM ('{month}') TO ('{_next_month(month)}')"
        )
    inserted = conn.execute(
        FILL_FRESH.format(incoming=incoming), {"run_id": run_id, "fresh": months}
    ).rowcount
    for month in months:
        name = partition_name(month)
        conn.execute(f"ALTER TABLE {incoming} DETACH PARTITION {name}")
        conn.execute(
            f"ALTER TABLE quotes ATTACH PARTITION {name} FOR VALUES FROM ('{month}') TO ('{_next_month(month)}')"
        )
    conn.execute(f"DROP TABLE {incoming}")
    return inserted


def land_quotes(conn: psycopg.Connection, run_id: int, months: set[date]) -> tuple[int, int]:
    """Move the staged quotes into the history; returns (inserted, updated)."""
    conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
    fresh = _fresh_months(conn, sorted(months))
    inserted = _load_fresh(conn, run_id, fresh) if fresh else 0
    for month in sorted(months.difference(fresh)):
        conn.execute("SELECT ensure_quotes_partition(%s)", (month,))
    upserted, updated = conn.execute(UPSERT_QUOTES, {"run_id": run_id, "fresh": fresh}).fetchone()
    return inserted + upserted, updated
