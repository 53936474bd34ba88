"""What the query benchmarks share: a populated database, query sets, timing and percentiles."""

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from compraagil import devservices, migrations
from compraagil.db import libpq_url
from compraagil.ingest import demo
from compraagil.ingest.synthetic import vocabulary
from compraagil.servers import use_servers


@contextmanager
def populated_database(
    rows: int, seed: int, database_url: str | None, spelled: dict[str, str] | None = None
) -> Iterator[str]:
    """`database_url` as given, or a fresh embedded database filled with `rows` generated quotes
    (then `spelled` receives which product each product name written is)."""
    with tempfile.TemporaryDirectory(prefix="query-bench-") as directory:
        root = Path(directory)
        redis = devservices.start_redis(root / "redis", devservices.free_port())
        postgres = None
        try:
            if database_url is None:
                postgres = devservices.start_postgres(root / "postgres")
                database_url = postgres.url
                migrations.upgrade(database_url)
                use_servers(database_url, redis.url)
                started = time.monotonic()
                demo.seed(
                    rows=rows,
                    seed=seed,
                    open_tenders=max(300, rows // 200),
                    now=datetime.now(UTC),
                    spelled=spelled,
                )
                print(f"seeded {rows:,} quotes in {time.monotonic() - started:.0f} s")
                _settle(database_url)
            use_servers(database_url, redis.url)
            yield database_url
        finally:
            redis.stop()
            if postgres:
                postgres.stop()


def _settle(database_url: str) -> None:
    """Vacuum and analyze the fresh data, as autovacuum would have long before users query it;
    measuring while it still works in the background measures autovacuum."""
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")


def query_bench_arguments(description: str, seed: int) -> argparse.Namespace:
    """The options every query benchmark takes: --rows, --seed, --queries, --database-url."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=seed)
    parser.add_argument("--queries", type=int, default=240)
    parser.add_argument("--database-url", help="an already populated database (nothing is generated)")
    return parser.parse_args()


def product_queries(count: int, seed: int) -> list[str]:
    """What suppliers type: product names, shortened, lower-cased, sometimes with a typo."""
    rng = random.Random(seed)
    names = [name for items in vocabulary.PRODUCT_FAMILIES.values() for name, _, _ in items]
    queries = []
    while len(queries) < count:
        words = rng.choice(names).lower().split()
        query = " ".join(words[: rng.randint(1, min(4, len(words)))])
        if rng.random() < 0.15 and len(query) > 5:
            i = rng.randrange(1, len(query) - 1)
            query = query[:i] + query[i + 1 :]
        if len(query) >= 3:
            queries.append(query)
    return queries


def timed(calls: list[Callable[[], object]]) -> list[float]:
    """Milliseconds each call took."""
    spent = []
    for call in calls:
        started = time.perf_counter()
        call()
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def report(label: str, millis: list[float]) -> None:
    cuts = statistics.quantiles(millis, n=100, method="inclusive")
    print(
        f"{label:<28} n={len(millis):<4} p50 {cuts[49]:7.1f} ms   p95 {cuts[94]:7.1f} ms   p99 {cuts[98]:7.1f} ms"
    )


def machine() -> str:
    return f"{os.cpu_count()} cores"
