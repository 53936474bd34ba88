"""Search by meaning beside the words: the tenders whose vectors are nearest to the query's (the
same embeddings «Compras Ágiles parecidas» uses), fused with the full-text ranking by reciprocal
rank (RRF). A tender found by meaning alone («papel confort» → «Papel higiénico jumbo») joins the
results; one found both ways rises. Tuned on the dev half of `bench/labelled_queries.py` only."""

import logging
from collections import defaultdict

from pydantic import BaseModel
from sqlalchemy import text
from sqlmodel import Session

from compraagil import cache
from compraagil.embeddings.providers import Embedder, GeminiEmbeddingFailed, get_embedder
from compraagil.embeddings.store import vector_literal

log = logging.getLogger(__name__)

DEPTH = 100
"""How many nearest tenders a search takes from the vectors (the words give at least as many)."""
EF_SEARCH = 400
"""The HNSW search's candidate list. Typed queries lie far from every tender, where HNSW finds true
neighbours less well: at 1M tenders recall@20 is 0.874 at 100, 0.925 at 400 (p95 12 ms), 0.931 at
800 (p95 22 ms) (`bench/vector_bench.py`)."""
MIN_SIMILARITY = 0.25
"""Cosine below which a tender is not offered on meaning alone (it still ranks when its words match)."""
RRF_K = 60
"""Reciprocal rank fusion's constant: a tender at rank r of a list scores 1 / (RRF_K + r)."""
MEANING_WEIGHT = 0.5
"""The meaning's weight in the fusion: a tender found by meaning alone ranks after the words' first
~60 matches (0.5 / 61 < 1 / 120), while one found both ways rises above those found by words alone.
So meaning fills what the words leave, and reorders, but never pushes a word match off the first
page (tuned on the dev half: at 1.0, «guantes quirúrgicos» lost half its relevant first page)."""

HAS_VECTORS = text("SELECT EXISTS (SELECT 1 FROM text_embeddings WHERE model = :model)")
NEAREST = """
SELECT e.tender_id, 1 - (x.embedding <=> CAST(:vector AS vector)) AS similarity
FROM text_embeddings x
JOIN tender_embeddings e ON e.model = x.model AND e.text_digest = x.text_digest
JOIN tenders t ON t.id = e.tender_id
WHERE x.model = :model AND {where}
ORDER BY x.embedding <=> CAST(:vector AS vector)
LIMIT :depth
"""


def nearest(session: Session, words: str, where: str, params: dict) -> list[tuple[int, float]]:
    """Up to DEPTH (tender id, similarity) nearest in meaning to `words` among the tenders passing
    `where` (the search's other filters), most similar first; none while no tender has a vector of
    the model, or when the model cannot embed the query (the search then runs on words alone)."""
    embedder = get_embedder()
    if not session.execute(HAS_VECTORS, {"model": embedder.model}).scalar_one():
        return []
    try:
        vector = query_vector(words, embedder)
    except GeminiEmbeddingFailed:
        log.warning("query not embedded: searching by words alone", exc_info=True)
        return []
    session.execute(text("SET LOCAL hnsw.iterative_scan = relaxed_order"))
    session.execute(text(f"SET LOCAL hnsw.ef_search = {EF_SEARCH}"))
    rows = session.execute(
        text(NEAREST.format(where=where)),
        {
            **params,
            "vector": vector,
            "model": embedder.model,
            "depth": DEPTH,
        },
    ).all()
    return [(tender_id, similarity) for tender_id, similarity in rows if similarity >= MIN_SIMILARITY]


class QueryVector(BaseModel):
    literal: str
    """The vector as pgvector reads it: «[0.1,-0.2,…]»."""


def query_vector(words: str, embedder: Embedder) -> str:
    """The query's vector (cached: offline a phrase takes 1–4 ms, but a Gemini call far more)."""
    return cache.cached(
        "query_vector",
        {"model": embedder.model, "words": words},
        QueryVector,
        lambda: QueryVector(literal=vector_literal(embedder.embed([words])[0])),
    ).literal


def fuse(words: list[int], near: list[int]) -> list[tuple[int, float]]:
    """Weighted reciprocal rank fusion: (tender id, score) by falling score; ties keep the words' order."""
    scores: dict[int, float] = defaultdict(float)
    for ranking, weight in ((words, 1.0), (near, MEANING_WEIGHT)):
        for rank, tender_id in enumerate(ranking, start=1):
            scores[tender_id] += weight / (RRF_K + rank)
    return sorted(scores.items(), key=lambda item: -item[1])
