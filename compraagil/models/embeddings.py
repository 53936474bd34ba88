"""Embeddings (search by meaning): each distinct text's vector once per model, and which text each
tender was embedded from. The view `tender_vectors` (migration 0021) joins the two."""

from datetime import datetime

from pgvector.sqlalchemy import Vector
from sqlalchemy import Column, ForeignKey, Index, Integer, Text
from sqlmodel import Field, SQLModel

from compraagil.models.columns import now_column

DIMENSIONS = 512


class TextEmbedding(SQLModel, table=True):
    """A text (known by its md5) as a unit vector of `model`. Each distinct text is embedded and
    indexed once: HNSW is not built for many identical vectors (their copies link to each other)."""

    __tablename__ = "text_embeddings"
    __table_args__ = (
        Index(
            "text_embeddings_hnsw",
            "embedding",
            postgresql_using="hnsw",
            postgresql_ops={"embedding": "vector_cosine_ops"},
            postgresql_with={"m": 32, "ef_construction": 128},
        ),
    )

    model: str = Field(sa_column=Column(Text, primary_key=True))
    text_digest: str = Field(sa_column=Column(Text, primary_key=True))
    embedding: list[float] = Field(sa_column=Column(Vector(DIMENSIONS), nullable=False))


class TenderEmbedding(SQLModel, table=True):
    """Which text (`text_digest`, in `text_embeddings`) a tender was embedded from, with `model`, when."""

    __tablename__ = "tender_embeddings"
    __table_args__ = (Index("tender_embeddings_by_text", "model", "text_digest"),)

    tender_id: int = Field(
        sa_column=Column(Integer, ForeignKey("tenders.id", ondelete="CASCADE"), primary_key=True)
    )
    model: str = Field(sa_column=Column(Text, primary_key=True))
    text_digest: str = Field(sa_column=Column(Text, nullable=False))
    embedded_at: datetime | None = Field(default=None, sa_column=now_column())
