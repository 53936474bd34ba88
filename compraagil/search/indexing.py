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

from compraagil import cache
from compraagil.db import connect
from compraagil.search import vocabulary

DEFER = "SET LOCAL compraagil.defer_search_index = on"
"""Run inside a transaction: the tenders it writes are left for `fill_pending()`."""

BATCH = 5000
"""Tenders per committed batch (a few hundred milliseconds of work each)."""

FILL_BATCH = """
WITH claimed AS (
    SELECT id FROM tenders WHERE search_vector IS NULL AND id %% %(lanes)s = %(lane)s
    ORDER BY id LIMIT %(batch)s
    FOR UPDATE SKIP LOCKED  -- rows another filler holds are left to it: no filler ever waits here
)
UPDATE tenders t SET search_vector = tender_search_vector(t.name, t.items_text, t.description),
                     search_document = tender_search_document(t.name, t.items_text)
FROM claimed c WHERE t.id = c.id
"""

WAIT_FOR_OTHERS = """
SELECT id FROM tenders WHERE search_vector IS NULL AND id %% %(lanes)s = %(lane)s LIMIT 1 FOR UPDATE
"""
"""Blocks until another filler's batch commits (holding no lock itself, so it cannot deadlock);
then the row is filled and no longer qualifies, or it is one still to fill."""

PENDING_COUNT = "SELECT count(*) FROM tenders WHERE search_vector IS NULL"
"""Tenders whose search columns are still to be filled (read from a small partial index)."""


@dataclass(frozen=True)
class Indexed:
    """What one `fill_pending()` did."""

    tenders: int
    seconds: float


def fill_pending(*, lanes: int | None = None) -> Indexed:
    """Fill every pending tender's search columns, `lanes` connections in parallel (default: one
    per core, at most four). Safe to run from several processes at once: each claims rows no other
    holds (SKIP LOCKED) and waits for the rest to be committed, so it returns with none pending."""
    lanes = lanes or min(os.cpu_count() or 1, 4)
    started = time.monotonic()
    if lanes == 1:
        filled = _fill_lane(0, 1)
    else:
        with ThreadPoolExecutor(lanes, thread_name_prefix="search-index") as pool:
            filled = sum(pool.map(_fill_lane, range(lanes), [lanes] * lanes))
    return Indexed(tenders=filled, seconds=time.monotonic() - started)


def _fill_lane(lane: int, lanes: int) -> int:
    """Fill the pending tenders whose id falls in this lane, a batch per transaction; rows another
    filler holds are waited for (its batch commits them), so the lane ends with none pending."""
    filled = 0
    params = {"lane": lane, "lanes": lanes, "batch": BATCH}
    with connect() as conn:
        while True:
            done = conn.execute(FILL_BATCH, params).rowcount
            filled += done
            if done:
                continue
            with conn.transaction():
                if conn.execute(WAIT_FOR_OTHERS, params).fetchone() is None:
                    return filled


def catch_up() -> Indexed:
    """Fill what is pending and, when anything was, let the vocabulary and cached searches follow
    (for fillers other than the import itself: alert matching)."""
    indexed = fill_pending()
    if indexed.tenders:
        vocabulary.refresh()
        cache.invalidate()
    return indexed
