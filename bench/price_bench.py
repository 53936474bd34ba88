"""Price analysis latency: ≥200 product queries, cold (no cache) and warm (cached), with the plan;
and, on a database it generates, how well the matching finds a product's quote lines among the
generator's thousands of spellings: recall and precision of the matched lines against the
generator's truth, for each product asked for by its first word and by its first two (as suppliers
type it).

.venv/bin/python -m bench.price_bench [--rows 1000000] [--database-url URL]
"""

import random
import time
from datetime import UTC, datetime

from sqlalchemy import text

from bench.common import machine, populated_database, product_queries, query_bench_arguments, report, timed
from compraagil.db import get_engine, session_scope
from compraagil.ingest.synthetic import vocabulary
from compraagil.ingest.values import fold
from compraagil.pricing import logic
from compraagil.pricing.matching import SIMILARITY_SETTING, covered_keys, query_words
from compraagil.pricing.service import (
    ANALYSIS_SQL,
    CHART_SAMPLE,
    IN_SAMPLE,
    PriceQuery,
    _analyze,
    _history_params,
    analyze_prices,
    matched,
)

OLD_MATCHING = """
    SELECT id, name FROM products WHERE fold(name) %> fold(:product)
    ORDER BY word_similarity(fold(:product), fold(name)) DESC, length(name) LIMIT 50
"""
"""The matching before every spelling was found: the 50 names most like the query."""


def queries(count: int, seed: int) -> list[PriceQuery]:
    rng = random.Random(seed)
    regions = list(vocabulary.REGION_WEIGHTS)
    return [
        PriceQuery(
            product=word, region=rng.choice(regions) if i % 3 == 0 else None, months=rng.choice([12, 24])
        )
        for i, word in enumerate(product_queries(count, seed))
    ]


def explain(query: PriceQuery) -> None:
    params = {
        "fence": logic.OUTLIER_FENCE, **_history_params(query, datetime.now(UTC).date()), "buyer_id": None,
        "region": query.region, "narrow": True, "sample": CHART_SAMPLE,
    }  # fmt: skip
    with session_scope() as session:
        started = time.perf_counter()
        covered = matched(session, query)
        print(
            f"\n«{query.product}» covers {len(covered):,} product keys ({sum(n for _, n, _ in covered):,} names),"
            f" found in {(time.perf_counter() - started) * 1000:.1f} ms"
        )
    for label, sample in (("whole history", ""), ("1-in-20 sample", IN_SAMPLE)):
        with session_scope() as session:
            plan = session.execute(
                text("EXPLAIN (ANALYZE, BUFFERS) " + ANALYSIS_SQL.format(sample=sample)),
                {**params, "keys": [key for key, _, _ in covered]},
            ).scalars()
            print(
                f"\nEXPLAIN (ANALYZE, BUFFERS) price analysis «{query.product}», {label}:\n  "
                + "\n  ".join(plan)
            )


def matching_quality(spelled: dict[str, str]) -> None:
    """Recall and precision of the quote lines the matching finds, against the generator's truth."""
    names = [name for items in vocabulary.PRODUCT_FAMILIES.values() for name, _, _ in items]
    with get_engine().connect() as conn:
        conn.execute(text(SIMILARITY_SETTING))
        conn.execute(text("CREATE TEMPORARY TABLE spelled (name text PRIMARY KEY, product text NOT NULL)"))
        with conn.connection.dbapi_connection.cursor().copy(
            "COPY spelled (name, product) FROM STDIN"
        ) as copy:
            for name, product in spelled.items():
                copy.write_row((name, product))
        conn.execute(
            text(
                """CREATE TEMPORARY TABLE lines_by_name AS
                   SELECT q.product_id, s.product, count(*) AS n FROM quote_lines q
                   JOIN products p ON p.id = q.product_id JOIN spelled s ON s.name = p.name
                   WHERE q.unit_price > 0 AND q.currency = 'CLP' GROUP BY 1, 2"""
            )
        )
        lines, distinct = conn.execute(text("SELECT sum(n)::int, count(*) FROM lines_by_name")).one()
        print(
            f"\nspellings: {distinct:,} distinct product names on {lines:,} priced quote lines"
            f" ({distinct / lines * 1e6:,.0f} per 1M lines) for {len(names)} products"
        )
        print(f"{'query':<28}{'relevant':>9}{'recall':>8}{'precision':>10}{'top-50 recall':>15}{'names':>8}")
        totals = {"found": 0, "hits": 0, "relevant": 0, "old_hits": 0}
        for query in sorted({" ".join(query_words(conn, name)[:n]) for name in names for n in (1, 2)}):
            truth = [name for name in names if _covers(query, name)]
            found, hits, relevant, matched = _scored(conn, _covered_names(conn, query), truth)
            _, old_hits, _, _ = _scored(conn, (OLD_MATCHING, {"product": query}), truth)
            totals["found"] += found
            totals["hits"] += hits
            totals["relevant"] += relevant
            totals["old_hits"] += old_hits
            print(
                f"{query[:27]:<28}{relevant:>9,}{hits / relevant:>8.1%}{hits / max(found, 1):>10.1%}"
                f"{old_hits / relevant:>15.1%}{matched:>8,}"
            )
    print(
        f"all lines: recall {totals['hits'] / totals['relevant']:.2%}, precision"
        f" {totals['hits'] / totals['found']:.2%} (the 50 most similar names: recall"
        f" {totals['old_hits'] / totals['relevant']:.2%})"
    )


def _covered_names(conn, query: str) -> tuple[str, dict]:
    """SQL selecting the id of every product name the query covers through its keys."""
    keys, params = covered_keys(query_words(conn, query))
    return f"SELECT p.id FROM products p WHERE p.key IN (SELECT key FROM ({keys}) k)", params


def _covers(query: str, product: str) -> bool:
    """The truth: the product's own name holds every word of the query (either grammatical number)."""
    words = {word.rstrip("s") for word in fold(product).split()}
    return all(word.rstrip("s") in words for word in query.split())


def _scored(conn, matching: tuple[str, dict], truth: list[str]) -> tuple[int, int, int, int]:
    """Lines found, found and relevant, relevant; and how many names matched."""
    sql, params = matching
    return conn.execute(
        text(
            f"""WITH matched AS ({sql})
                SELECT coalesce(sum(n) FILTER (WHERE m.id IS NOT NULL), 0),
                       coalesce(sum(n) FILTER (WHERE m.id IS NOT NULL AND l.product = ANY(:truth)), 0),
                       coalesce(sum(n) FILTER (WHERE l.product = ANY(:truth)), 0),
                       (SELECT count(*) FROM matched)
                FROM lines_by_name l LEFT JOIN matched m ON m.id = l.product_id"""
        ),
        {**params, "truth": truth},
    ).one()


def main() -> None:
    args = query_bench_arguments(__doc__, seed=13)
    spelled: dict[str, str] = {}
    with populated_database(args.rows, args.seed, args.database_url, spelled):
        with session_scope() as session:
            lines, products = session.execute(
                text("SELECT (SELECT count(*) FROM quote_lines), (SELECT count(*) FROM products)")
            ).one()
        print(f"price benchmark · {machine()} · {lines:,} quote lines · {products:,} distinct products")
        batch = queries(args.queries, args.seed)
        today = datetime.now(UTC).date()

        def cold(query):
            def call():
                with session_scope() as session:
                    return _analyze(session, query, today)

            return call

        def warm(query):
            def call():
                with session_scope() as session:
                    return analyze_prices(session=session, query=query, today=today)

            return call

        cold_millis = timed([cold(q) for q in batch])
        report("price analysis, cold", cold_millis)
        timed([warm(q) for q in batch])
        report("price analysis, warm", timed([warm(q) for q in batch]))
        slowest = max(range(len(batch)), key=cold_millis.__getitem__)
        print(f"\nslowest: «{batch[slowest].product}» ({cold_millis[slowest]:.1f} ms)")
        explain(batch[slowest])
        if spelled:
            matching_quality(spelled)
        else:
            print("\n(matching quality: only on a database this benchmark generates, which knows its truth)")


if __name__ == "__main__":
    main()
