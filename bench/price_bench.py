"""Price analysis latency: ≥200 product queries, cold (no cache) and warm (cached), with the plan.

.venv/bin/python -m bench.price_bench [--rows 1000000] [--database-url URL]
"""

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from bench.common import machine, populated_database, product_queries, query_bench_arguments, report, timed
from compraagil.db import session_scope
from compraagil.ingest.synthetic import vocabulary
from compraagil.pricing import logic
from compraagil.pricing.service import (
    ANALYSIS_SQL,
    CHART_SAMPLE,
    IN_SAMPLE,
    MATCHED_PRODUCTS,
    PriceQuery,
    _analyze,
    analyze_prices,
)


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
        "product": query.product, "matched": MATCHED_PRODUCTS, "fence": logic.OUTLIER_FENCE,
        "since": datetime.now(UTC).date() - timedelta(days=730), "buyer_id": None, "region": query.region,
        "narrow": True, "sample": CHART_SAMPLE,
    }  # fmt: skip
    for label, sample in (("whole history", ""), ("1-in-20 sample", IN_SAMPLE)):
        with session_scope() as session:
            plan = session.execute(
                text("EXPLAIN (ANALYZE, BUFFERS) " + ANALYSIS_SQL.format(sample=sample)), params
            ).scalars()
            print(
                f"\nEXPLAIN (ANALYZE, BUFFERS) price analysis «{query.product}», {label}:\n  "
                + "\n  ".join(plan)
            )


def main() -> None:
    args = query_bench_arguments(__doc__, seed=13)
    with populated_database(args.rows, args.seed, args.database_url):
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

        report("price analysis, cold", timed([cold(q) for q in batch]))
        timed([warm(q) for q in batch])
        report("price analysis, warm", timed([warm(q) for q in batch]))
        explain(batch[0])


if __name__ == "__main__":
    main()
