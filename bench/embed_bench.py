"""Embeddings: how fast the offline model embeds tenders (as the `ml` job does it, newest first, in
committed batches), then «Compras Ágiles parecidas» latency and its recall@K against an exact
(sequential) search over the same vectors.

.venv/bin/python -m bench.embed_bench [--rows 200000] [--queries 200] [--database-url URL]
"""

import random
import time

from sqlalchemy import text

from bench.common import machine, populated_database, query_bench_arguments, report, timed
from compraagil.db import session_scope
from compraagil.embeddings.providers import get_embedder
from compraagil.embeddings.similar import similar_tenders
from compraagil.embeddings.store import embed_pending

K = 6

EXACT = text(
    """
    SELECT t.codigo FROM tender_vectors e JOIN tenders t ON t.id = e.tender_id,
         (SELECT embedding FROM tender_vectors m JOIN tenders mt ON mt.id = m.tender_id WHERE mt.codigo = :codigo) own
    WHERE t.codigo <> :codigo AND t.state = 'publicada' AND t.closes_at > now()
    ORDER BY e.embedding <=> own.embedding LIMIT :k
    """
)


def main() -> None:
    args = query_bench_arguments(__doc__, seed=17)
    embedder = get_embedder()
    with populated_database(args.rows, args.seed, args.database_url):
        started = time.monotonic()
        with session_scope() as session:
            done = embed_pending(session=session, embedder=embedder)
        seconds = time.monotonic() - started
        print(
            f"embed benchmark · {machine()} · {done:,} tenders embedded in {seconds:.1f} s ({done / seconds:,.0f}/s)"
        )
        with session_scope() as session:
            codigos = session.execute(text("SELECT codigo FROM tenders ORDER BY id")).scalars().all()
        sample = random.Random(args.seed).sample(codigos, min(args.queries, len(codigos)))

        def similar(codigo):
            def call():
                with session_scope() as session:
                    return similar_tenders(session=session, embedder=embedder, codigo=codigo, limit=K)

            return call

        report(f"similar tenders (top {K})", timed([similar(c) for c in sample]))
        hits = total = 0
        for codigo in sample:
            with session_scope() as session:
                found = similar_tenders(session=session, embedder=embedder, codigo=codigo, limit=K)
                exact = session.execute(EXACT, {"codigo": codigo, "k": K}).scalars().all()
            got = {t.codigo for t in found if t.open}
            hits += len(got & set(exact))
            total += len(exact)
        print(f"recall@{K} of the open ones against an exact search: {hits / max(1, total):.3f}")


if __name__ == "__main__":
    main()
