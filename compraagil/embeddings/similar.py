"""«Compras Ágiles parecidas»: the tenders nearest in meaning to one, open ones first (those a
supplier can still quote), then past ones to fill up; through the HNSW index of distinct texts, which
keeps scanning until enough tenders pass the filter (`hnsw.iterative_scan`)."""

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import text
from sqlmodel import Session

from compraagil.embeddings.providers import Embedder

OWN = text(
    "SELECT v.tender_id, v.embedding::text FROM tender_vectors v JOIN tenders t ON t.id = v.tender_id"
    " WHERE t.codigo = :codigo AND v.model = :model"
)
NEAREST = """
SELECT * FROM (
    SELECT t.codigo, t.name, b.organismo, t.state, t.closes_at, t.amount_available,
           x.embedding <=> CAST(:vector AS vector) AS distance
    FROM text_embeddings x
    JOIN tender_embeddings e ON e.model = x.model AND e.text_digest = x.text_digest
    JOIN tenders t ON t.id = e.tender_id
    LEFT JOIN buyers b ON b.id = t.buyer_id
    WHERE x.model = :model AND e.tender_id <> ALL(:skip) AND {which}
    ORDER BY x.embedding <=> CAST(:vector AS vector)
    LIMIT :limit
) nearest ORDER BY distance
"""
OPEN = "t.state = 'publicada' AND t.closes_at > now()"
PAST = f"NOT ({OPEN})"


class SimilarTender(BaseModel):
    codigo: str
    name: str
    organismo: str | None
    state: str
    closes_at: datetime | None
    amount_available: int | None
    similarity: float
    """Cosine similarity, 0 to 1."""

    @property
    def open(self) -> bool:
        return self.state == "publicada"


def similar_tenders(
    *, session: Session, embedder: Embedder, codigo: str, limit: int = 6
) -> list[SimilarTender] | None:
    """The tenders most like this one (open first); None while it has no embedding yet."""
    own = session.execute(OWN, {"codigo": codigo, "model": embedder.model}).first()
    if own is None:
        return None
    tender_id, vector = own
    session.execute(text("SET LOCAL hnsw.iterative_scan = relaxed_order"))
    found: list[SimilarTender] = []
    for which in (OPEN, PAST):
        if len(found) >= limit:
            break
        rows = session.execute(
            text(NEAREST.format(which=which)),
            {"vector": vector, "model": embedder.model, "skip": [tender_id], "limit": limit - len(found)},
        ).all()
        found += [SimilarTender(**{**row._mapping, "similarity": max(0.0, 1 - row.distance)}) for row in rows]
    return found
