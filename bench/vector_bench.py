"""Vectors at scale: the top 20 nearest among N tenders' embeddings (default 1,000,000) through an
HNSW index built as the product builds `tender_embeddings_hnsw` (cosine, pgvector's defaults m = 16,
ef_construction = 64), against an exact scan: p50/p95 latency and recall@20 at the product's
ef_search (40 for «Compras Ágiles parecidas», 100 for Buscar by meaning); the index's build time;
and how fast the configured model embeds a month of tenders.

The tenders are the generator's open processes, as `compraagil.embeddings.store` embeds them (name
and requested items). Their distinct texts are embedded with the configured model (as the job does,
100 at a time); tenders with the same text share its vector, as real repeated purchases do. With
so many exact ties, recall counts a result as found when it is as near as the exact 20th (within
1e-3 of cosine distance, ann-benchmarks' rule); the strict share of the exact ids is printed too.
Queries: the labelled query set's texts (`bench/labelled_queries.py`) and random tenders' vectors.

.venv/bin/python -m bench.vector_bench [--tenders 1000000] [--queries 60]
"""

import argparse
import random
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import psycopg
from pgvector.psycopg import register_vector

from bench.common import machine, report
from bench.labelled_queries import QUERIES
from compraagil import devservices
from compraagil.db import libpq_url
from compraagil.embeddings.providers import get_embedder
from compraagil.ingest.synthetic import make_factory

K = 20
MONTH = 40_000
"""Compra Ágil processes in a month, about."""
EF_SEARCH = (40, 100, 200, 400)
"""40: pgvector's default, what «Compras Ágiles parecidas» uses; Buscar's is `meaning.EF_SEARCH`."""
TIE = 1e-3
"""A result as near as the exact K-th within this cosine distance counts as found."""


def tender_texts(count: int, seed: int) -> list[str]:
    """`count` open tenders' texts as the embedding job reads them: «name. item · item»."""
    factory = make_factory(seed, rows=count * 10, first_month=date(2026, 1, 1))
    texts = []
    for _ in range(count):
        process = factory.make(date(2026, 12, 1), open_state="Publicada")
        texts.append(f"{process.name}. " + " · ".join(line.description.lower() for line in process.lines))
    return texts


def embed_distinct(texts: list[str]) -> tuple[dict[str, int], np.ndarray]:
    """Each distinct text's row, and their vectors; prints the model's throughput."""
    distinct = list(dict.fromkeys(texts))
    embedder = get_embedder()
    started = time.monotonic()
    vectors = np.vstack([embedder.embed(distinct[i : i + 100]) for i in range(0, len(distinct), 100)])
    seconds = time.monotonic() - started
    rate = len(distinct) / seconds
    print(
        f"embedded {len(distinct):,} distinct texts with {embedder.model} in {seconds:.0f} s ({rate:,.0f}/s):"
        f" a month of Compra Ágil (~{MONTH:,} processes) takes {MONTH / rate / 60:.1f} min of one worker"
    )
    return {text: row for row, text in enumerate(distinct)}, vectors


def load(conn: psycopg.Connection, matrix: np.ndarray) -> None:
    conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
    register_vector(conn)
    conn.execute("CREATE TABLE bench_vectors (id integer PRIMARY KEY, embedding vector(512) NOT NULL)")
    started = time.monotonic()
    with conn.cursor().copy("COPY bench_vectors (id, embedding) FROM STDIN WITH (FORMAT BINARY)") as copy:
        copy.set_types(["int4", "vector"])
        for tender_id, vector in enumerate(matrix):
            copy.write_row((tender_id, vector))
    print(f"loaded {len(matrix):,} vectors in {time.monotonic() - started:.0f} s")
    started = time.monotonic()
    conn.execute("SET maintenance_work_mem = '8GB'")
    conn.execute("SET max_parallel_maintenance_workers = 1")
    conn.execute("CREATE INDEX bench_vectors_hnsw ON bench_vectors USING hnsw (embedding vector_cosine_ops)")
    conn.execute("VACUUM ANALYZE bench_vectors")
    print(f"built the HNSW index in {time.monotonic() - started:.0f} s")


def nearest(conn: psycopg.Connection, vector: np.ndarray) -> list[tuple[int, float]]:
    """The K nearest (id, cosine distance)."""
    return conn.execute(
        "SELECT id, embedding <=> %s FROM bench_vectors ORDER BY embedding <=> %s LIMIT %s",
        (vector, vector, K),
    ).fetchall()


def measure(
    conn: psycopg.Connection, kind: str, queries: list[np.ndarray], exact: list[list], ef_search: int
) -> None:
    conn.execute(f"SET hnsw.ef_search = {ef_search}")
    found, millis = [], []
    for vector in queries:
        started = time.perf_counter()
        found.append(nearest(conn, vector))
        millis.append((time.perf_counter() - started) * 1000)
    near_enough = strict = 0
    for got, truth in zip(found, exact, strict=True):
        near_enough += sum(1 for _, distance in got if distance <= truth[-1][1] + TIE)
        strict += len({i for i, _ in got} & {i for i, _ in truth})
    report(f"{kind}: top {K}, ef_search {ef_search}", millis)
    total = K * len(queries)
    print(f"  recall@{K} against the exact scan: {near_enough / total:.3f} (strict ids {strict / total:.3f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tenders", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=60, help="tenders' own vectors as queries")
    parser.add_argument("--seed", type=int, default=23)
    args = parser.parse_args()
    print(f"vector benchmark · {machine()} · {args.tenders:,} tenders")
    texts = tender_texts(args.tenders, args.seed)
    rows, vectors = embed_distinct(texts)
    matrix = vectors[[rows[text] for text in texts]]
    picks = random.Random(args.seed).sample(range(len(matrix)), args.queries)
    queries = {
        "typed queries": list(get_embedder().embed([query.text for query in QUERIES])),
        "tenders' own vectors": list(matrix[picks]),
    }
    with tempfile.TemporaryDirectory(prefix="vector-bench-") as directory:
        postgres = devservices.start_postgres(Path(directory) / "postgres")
        try:
            with psycopg.connect(libpq_url(postgres.url), autocommit=True) as conn:
                load(conn, matrix)
                del matrix
                for kind, vectors in queries.items():
                    conn.execute("SET enable_indexscan = off")
                    started = time.monotonic()
                    exact = [nearest(conn, vector) for vector in vectors]
                    print(
                        f"{kind}: exact scans {(time.monotonic() - started) / len(vectors) * 1000:,.0f} ms a query"
                    )
                    conn.execute("SET enable_indexscan = on")
                    for ef_search in EF_SEARCH:
                        measure(conn, kind, vectors, exact, ef_search)
        finally:
            postgres.stop()


if __name__ == "__main__":
    main()
