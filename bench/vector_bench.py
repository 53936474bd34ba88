"""Vectors at scale, laid out as the product keeps them (migration 0021): N tenders (default
1,000,000), each pointing at its text's vector, one vector per distinct text under an HNSW index
(cosine, m = 32, ef_construction = 128 as migration 0021 builds it). Measured: the top 20 texts through the
index against an exact scan (p50/p95 and recall@20 at several `ef_search`), the top 20 tenders as
the product asks for them (the index joined to the tenders), the index's build time, and how fast
the configured model embeds a month of tenders.

The tenders are the generator's open processes, as `compraagil.embeddings.store` embeds them (name
and requested items); their distinct texts are embedded with the configured model, 100 at a time as
the job does. A result counts as found when it is as near as the exact 20th (within 1e-3 of cosine
distance, ann-benchmarks' rule for ties); the strict share of the exact ids is printed too.
Queries: the labelled query set's texts (`bench/labelled_queries.py`) and random tenders' vectors.

.venv/bin/python -m bench.vector_bench [--tenders 1000000] [--queries 60] [--m 32] [--ef-construction 128]
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

from bench.common import machine, report, timed
from bench.labelled_queries import QUERIES
from compraagil import devservices
from compraagil.db import libpq_url
from compraagil.embeddings.providers import get_embedder
from compraagil.ingest.synthetic import make_factory
from compraagil.search import meaning

K = 20
MONTH = 40_000
"""Compra Ágil processes in a month, about."""
EF_SEARCH = (40, 100, 400, 800)
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


def load(
    conn: psycopg.Connection, vectors: np.ndarray, text_ids: list[int], m: int, ef_construction: int
) -> None:
    """The distinct texts' vectors (`bench_texts`, with the HNSW index) and the tenders (`bench_tenders`)."""
    conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
    register_vector(conn)
    conn.execute("CREATE TABLE bench_texts (id integer PRIMARY KEY, embedding vector(512) NOT NULL)")
    conn.execute("CREATE TABLE bench_tenders (id integer PRIMARY KEY, text_id integer NOT NULL)")
    started = time.monotonic()
    with conn.cursor().copy("COPY bench_texts (id, embedding) FROM STDIN WITH (FORMAT BINARY)") as copy:
        copy.set_types(["int4", "vector"])
        for text_id, vector in enumerate(vectors):
            copy.write_row((text_id, vector))
    with conn.cursor().copy("COPY bench_tenders (id, text_id) FROM STDIN") as copy:
        for tender_id, text_id in enumerate(text_ids):
            copy.write_row((tender_id, text_id))
    conn.execute("CREATE INDEX ON bench_tenders (text_id)")
    print(
        f"loaded {len(vectors):,} text vectors and {len(text_ids):,} tenders in {time.monotonic() - started:.0f} s"
    )
    started = time.monotonic()
    conn.execute("SET maintenance_work_mem = '8GB'")
    conn.execute("SET max_parallel_maintenance_workers = 1")
    conn.execute(
        "CREATE INDEX bench_texts_hnsw ON bench_texts USING hnsw (embedding vector_cosine_ops)"
        f" WITH (m = {m}, ef_construction = {ef_construction})"
    )
    conn.execute("VACUUM ANALYZE bench_texts")
    conn.execute("VACUUM ANALYZE bench_tenders")
    print(
        f"built the HNSW index (m {m}, ef_construction {ef_construction}) in {time.monotonic() - started:.0f} s"
    )


def nearest_tenders(conn: psycopg.Connection, vector: np.ndarray) -> list:
    """The product's question: the K tenders nearest to the vector, through the index of texts."""
    return conn.execute(
        "SELECT d.id FROM bench_texts x JOIN bench_tenders d ON d.text_id = x.id"
        " ORDER BY x.embedding <=> %s LIMIT %s",
        (vector, K),
    ).fetchall()


def nearest(conn: psycopg.Connection, vector: np.ndarray) -> list[tuple[int, float]]:
    """The K nearest texts (id, cosine distance)."""
    return conn.execute(
        "SELECT id, embedding <=> %s FROM bench_texts ORDER BY embedding <=> %s LIMIT %s",
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
    parser.add_argument("--m", type=int, default=32)
    parser.add_argument("--ef-construction", type=int, default=128)
    args = parser.parse_args()
    print(f"vector benchmark · {machine()} · {args.tenders:,} tenders")
    texts = tender_texts(args.tenders, args.seed)
    rows, vectors = embed_distinct(texts)
    text_ids = [rows[text] for text in texts]
    del texts
    picks = random.Random(args.seed).sample(text_ids, args.queries)
    queries = {
        "typed queries": list(get_embedder().embed([query.text for query in QUERIES])),
        "tenders' own vectors": list(vectors[picks]),
    }
    with tempfile.TemporaryDirectory(prefix="vector-bench-") as directory:
        postgres = devservices.start_postgres(Path(directory) / "postgres")
        try:
            with psycopg.connect(libpq_url(postgres.url), autocommit=True) as conn:
                load(conn, vectors, text_ids, args.m, args.ef_construction)
                for kind, asked in queries.items():
                    conn.execute("SET enable_indexscan = off")
                    started = time.monotonic()
                    exact = [nearest(conn, vector) for vector in asked]
                    print(
                        f"{kind}: exact scans {(time.monotonic() - started) / len(asked) * 1000:,.0f} ms a query"
                    )
                    conn.execute("SET enable_indexscan = on")
                    for ef_search in EF_SEARCH:
                        measure(conn, kind, asked, exact, ef_search)
                conn.execute(f"SET hnsw.ef_search = {meaning.EF_SEARCH}")
                every = [vector for asked in queries.values() for vector in asked]
                report(
                    f"top {K} tenders through the index (ef_search {meaning.EF_SEARCH})",
                    timed([lambda vector=vector: nearest_tenders(conn, vector) for vector in every]),
                )
        finally:
            postgres.stop()


if __name__ == "__main__":
    main()
