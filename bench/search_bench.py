"""Search latency: ≥200 realistic searches, cold (no cache) and warm (cached), with query plans.

.venv/bin/python -m bench.search_bench [--rows 1000000] [--database-url URL]
"""

import random

from sqlalchemy import text

from bench.common import machine, populated_database, product_queries, query_bench_arguments, report, timed
from compraagil.db import session_scope
from compraagil.ingest.synthetic import vocabulary
from compraagil.search.query import SearchQuery, Sort
from compraagil.search.service import (
    WINDOW_ORDER,
    Breadth,
    _filters,
    _page_sql,
    _search,
    _window_page_sql,
    search_tenders,
)


def queries(count: int, seed: int) -> list[SearchQuery]:
    rng = random.Random(seed)
    words = product_queries(count, seed)
    comunas = [c for names in vocabulary.COMUNAS.values() for c in names]
    made = []
    for index, word in enumerate(words):
        kind = index % 4
        made.append(
            SearchQuery(
                text=word if kind != 3 else rng.choice(comunas),
                open_only=kind in (0, 1),
                region=rng.choice(list(vocabulary.REGION_WEIGHTS)) if kind == 1 else None,
                closes_within_days=rng.choice([None, 2, 7]) if kind == 0 else None,
                sort=rng.choice(list(Sort)),
            )
        )
    return made


def explain(query: SearchQuery) -> None:
    """The plans of a search's page: over all matches, and through a broad search's window (by
    relevance or closing date)."""
    clauses, params = _filters(query)
    where = " AND ".join(clauses)
    breadth = Breadth()
    params = {**params, "limit": query.page_size, "offset": query.offset}
    params |= {"window": breadth.window, "candidates": breadth.candidates}
    plans = [("all matches", _page_sql(query, where))]
    if query.text and query.sort in WINDOW_ORDER:
        plans.append(("broad window", _window_page_sql(query, where)))
    for label, sql in plans:
        with session_scope() as session:
            plan = session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {sql}"), params).scalars()
            print(
                f"\nEXPLAIN (ANALYZE, BUFFERS) search «{query.text}» ({query.sort.value}), {label}:\n  "
                + "\n  ".join(plan)
            )


def main() -> None:
    args = query_bench_arguments(__doc__, seed=11)
    with populated_database(args.rows, args.seed, args.database_url):
        with session_scope() as session:
            tenders = session.execute(text("SELECT count(*) FROM tenders")).scalar_one()
        print(f"search benchmark · {machine()} · {tenders:,} tenders")
        batch = queries(args.queries, args.seed)

        def cold(query):
            def call():
                with session_scope() as session:
                    return _search(session, query)

            return call

        def warm(query):
            def call():
                with session_scope() as session:
                    return search_tenders(session=session, query=query)

            return call

        cold_millis = timed([cold(q) for q in batch])
        report("search, cold (no cache)", cold_millis)
        timed([warm(q) for q in batch])
        report("search, warm (cached)", timed([warm(q) for q in batch]))
        slowest = sorted(range(len(batch)), key=cold_millis.__getitem__)[-3:]
        for index in reversed(slowest):
            query = batch[index]
            print(
                f"\nslow: «{query.text}» sorted by {query.sort.value}, open only {query.open_only},"
                f" region {query.region}, closing within {query.closes_within_days}: {cold_millis[index]:.1f} ms"
            )
            explain(query)


if __name__ == "__main__":
    main()
