"""Search by meaning: recall@20 of Buscar's hybrid ranking (words fused with meaning) against full
text alone, on the labelled query set (`bench/labelled_queries.py`), each half apart; and what the
meaning costs in latency. Embeds the tenders still without a vector first.

.venv/bin/python -m bench.meaning_bench [--rows 100000] [--database-url URL]
"""

import statistics

from sqlalchemy import text

from bench.common import machine, populated_database, query_bench_arguments, report, timed
from bench.labelled_queries import QUERIES, LabelledQuery
from compraagil.db import session_scope
from compraagil.embeddings.providers import get_embedder
from compraagil.embeddings.store import embed_pending
from compraagil.search.query import SearchQuery
from compraagil.search.service import _search

K = 20
RELEVANT = text("SELECT codigo FROM tenders WHERE items_text ILIKE ANY(:patterns)")


def relevant_codigos(query: LabelledQuery) -> set[str]:
    """The tenders asking for any of the query's products (judged by product family)."""
    with session_scope() as session:
        patterns = [f"%{product}%" for product in query.products]
        return set(session.execute(RELEVANT, {"patterns": patterns}).scalars())


def top(words: str, by_meaning: bool) -> list[str]:
    with session_scope() as session:
        page = _search(session, SearchQuery(text=words, page_size=K), by_meaning=by_meaning)
    return [hit.codigo for hit in page.hits]


def recall(found: list[str], relevant: set[str]) -> float:
    return len(set(found) & relevant) / max(1, min(K, len(relevant)))


def main() -> None:
    args = query_bench_arguments(__doc__, seed=17)
    with populated_database(args.rows, args.seed, args.database_url):
        with session_scope() as session:
            embedded = embed_pending(session=session, embedder=get_embedder())
            tenders = session.execute(text("SELECT count(*) FROM tenders")).scalar_one()
        print(f"meaning benchmark · {machine()} · {tenders:,} tenders ({embedded:,} embedded now)")
        results: dict[tuple[str, bool], list[tuple[float, float]]] = {}
        print(f"\n{'query':38} {'half':5} {'relevant':>8} {'words':>6} {'hybrid':>6}")
        for query in QUERIES:
            relevant = relevant_codigos(query)
            words, hybrid = recall(top(query.text, False), relevant), recall(top(query.text, True), relevant)
            results.setdefault((query.half, query.exact), []).append((words, hybrid))
            print(f"{query.text:38} {query.half:5} {len(relevant):8,} {words:6.2f} {hybrid:6.2f}")
        print(f"\nmean recall@{K}: words alone → hybrid")
        for (half, exact), pairs in sorted(results.items()):
            words = statistics.mean(p[0] for p in pairs)
            hybrid = statistics.mean(p[1] for p in pairs)
            worse = sum(1 for w, h in pairs if h < w)
            kind = "exact-word queries" if exact else "meaning queries"
            print(
                f"  {half:4} {kind:18} ({len(pairs):2}): {words:.3f} → {hybrid:.3f}"
                f" ({hybrid / words if words else float('inf'):.2f}×), worse on {worse}"
            )
        texts = [query.text for query in QUERIES]
        embedder = get_embedder()
        report("query embedding, uncached", timed([lambda t=t: embedder.embed([t]) for t in texts]))
        report("search, words alone", timed([lambda t=t: top(t, False) for t in texts]))
        report("search, hybrid (vector cached)", timed([lambda t=t: top(t, True) for t in texts]))


if __name__ == "__main__":
    main()
