"""The priced history by product key (`price_lines`, `price_keys`; migration 0023), kept in step
with `quote_lines` a month at a time.

An import marks the months it wrote (`mark_months`, inside its transaction, so the mark lands with
the data) and, once committed, `refresh_pending()` rebuilds each marked month's priced lines and
the keys' dictionary. A refresh that fails leaves its marks: the next import's refresh does them.
"""

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import psycopg

from compraagil import cache
from compraagil.chile.dates import add_months
from compraagil.db import connect

log = logging.getLogger(__name__)

MARK_MONTHS = """
INSERT INTO price_months_pending (month)
SELECT DISTINCT date_trunc('month', day)::date FROM unnest(%(days)s::date[]) AS day
ON CONFLICT DO NOTHING
"""

CLAIM_MONTH = "SELECT month FROM price_months_pending ORDER BY month LIMIT 1 FOR UPDATE SKIP LOCKED"

REBUILD_MONTH = (
    """
DELETE FROM price_lines WHERE closing_date >= %(month)s AND closing_date < %(next)s
""",
    """
INSERT INTO price_lines (key, closing_date, price, winner, supplier_id, buyer_id, region, sampled)
SELECT p.key, q.closing_date, q.unit_price::float8, q.winner, q.supplier_id, q.buyer_id, q.region,
       hashtextextended(q.tender_codigo, q.supplier_id) %% 20 = 0
FROM quote_lines q JOIN products p ON p.id = q.product_id
WHERE q.closing_date >= %(month)s AND q.closing_date < %(next)s AND q.unit_price > 0 AND q.currency = 'CLP'
""",
    "DELETE FROM price_months_pending WHERE month = %(month)s",
)
"""The priced lines of one month (CLP, a unit price above zero), with the 1-in-20 sample flagged
(one quote in twenty, by tender and supplier, so a quote's lines are in or out together)."""

REFRESH_KEYS = """
INSERT INTO price_keys (key, names, plainest)
SELECT DISTINCT ON (key) key, count(*) OVER (PARTITION BY key), name FROM products
ORDER BY key, length(name), id
ON CONFLICT (key) DO UPDATE SET names = excluded.names, plainest = excluded.plainest
WHERE (price_keys.names, price_keys.plainest) IS DISTINCT FROM (excluded.names, excluded.plainest)
"""
"""Every key with how many names share it and the plainest (shortest) of them."""


@dataclass(frozen=True)
class Refreshed:
    months: int
    seconds: float


def mark_months(conn: psycopg.Connection, days: Iterable[date]) -> None:
    """Mark the months of `days` for a refresh (run it in the transaction that wrote their lines)."""
    conn.execute(MARK_MONTHS, {"days": sorted(set(days))})


def refresh_pending() -> Refreshed:
    """Rebuild every marked month, one transaction each; then the keys and the table's statistics.
    Safe beside another refresher (each claims a month the other does not hold)."""
    started = time.monotonic()
    months = 0
    with connect() as conn:
        while _refresh_one(conn):
            months += 1
        if months:
            with conn.transaction():
                conn.execute(REFRESH_KEYS)
            conn.execute("VACUUM (ANALYZE) price_lines, price_keys")
    return Refreshed(months=months, seconds=time.monotonic() - started)


def catch_up() -> Refreshed:
    """Rebuild what is still marked (a refresh cut short) and drop the cached figures it changed."""
    refreshed = refresh_pending()
    if refreshed.months:
        cache.invalidate()
    return refreshed


def _refresh_one(conn: psycopg.Connection) -> bool:
    """Rebuild the first marked month no other refresher holds; False when none is left."""
    with conn.transaction():
        row = conn.execute(CLAIM_MONTH).fetchone()
        if row is None:
            return False
        month = row[0]
        for statement in REBUILD_MONTH:
            conn.execute(statement, {"month": month, "next": add_months(month, 1)})
    log.info("price history refreshed", extra={"month": month.isoformat()})
    return True
