"""Tenders' search columns, filled right after a bulk import commits instead of inside it.

A COT import runs with `DEFER` set in its transaction: its new tenders, and those whose text
changed, land with NULL search columns (the trigger of migration 0018), which takes about 2.7 s
off a 1M-line import on two cores. `fill_pending()` then computes them in batches on one
connection per core. Until it has, those tenders are already in prices, profiles and the tender
page, but text search does not find them yet, and Buscar says how many are waiting
(`PENDING_COUNT`). Every other writer (API v2 sync, people) gets the columns at once.
"""

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from compraagil.db import connect

DEFER = "SET LOCAL compraagil.defer_search_index = on"
"""Run inside a transaction: the tenders it writes are left for `fill_pending()`."""

BATCH = 5000
"""Tenders per committed batch (a few hundred milliseconds of work each)."""

FILL_BATCH = """
UPDATE tenders SET search_vector = tender_search_vector(name, items_text, description),
                   search_document = tender_search_document(name, items_text)
WHERE search_vector IS NULL  -- checked again on a row another filler has just written
  AND id IN (SELECT id FROM tenders WHERE search_vector IS NULL AND id %% %(lanes)s = %(lane)s
             ORDER BY id LIMIT %(batch)s)
"""

PENDING_COUNT = "SELECT count(*) FROM tenders WHERE search_vector IS NULL"
"""Tenders whose search columns are still to be filled (read from a small partial index)."""

ANY_PENDING = "SELECT EXISTS (SELECT FROM tenders WHERE search_vector IS NULL AND id %% %(lanes)s = %(lane)s)"


@dataclass(frozen=True)
class Indexed:
    """What one `fill_pending()` did."""

    tenders: int
    seconds: float


def fill_pending(*, lanes: int | None = None) -> Indexed:
    """Fill every pending tender's search columns, `lanes` connections in parallel (default: one
    per core, at most four). Safe to run from several processes at once: each row is filled once."""
    lanes = lanes or min(os.cpu_count() or 1, 4)
    started = time.monotonic()
    if lanes == 1:
        filled = _fill_lane(0, 1)
    else:
        with ThreadPoolExecutor(lanes, thread_name_prefix="search-index") as pool:
            filled = sum(pool.map(_fill_lane, range(lanes), [lanes] * lanes))
    return Indexed(tenders=filled, seconds=time.monotonic() - started)


def _fill_lane(lane: int, lanes: int) -> int:
    """Fill the pending tenders whose id falls in this lane, a batch per transaction."""
    filled = 0
    params = {"lane": lane, "lanes": lanes, "batch": BATCH}
    with connect() as conn:
        while True:
            done = conn.execute(FILL_BATCH, params).rowcount
            filled += done
            # none filled here: either the lane is done, or another filler had those rows (now written)
            if not done and not conn.execute(ANY_PENDING, params).fetchone()[0]:
                return filled
