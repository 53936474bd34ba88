"""Tenders' embeddings (search by meaning), one per tender and model."""

from datetime import datetime

from pgvector.sqlalchemy import Vector
from sqlalchemy import Column, ForeignKey, Index, Integer, Text
from sqlmodel import Field, SQLModel

from compraagil.models.columns import now_column

DIMENSIONS = 512


class TenderEmbedding(SQLModel, table=True):
    """A tender's text as a unit vector of `model`; `text_digest` says which text it was made from."""

    __tablename__ = "tender_embeddings"
    __table_args__ = (
        Index(
            "tender_embeddings_hnsw",
            "embedding",
            postgresql_using="hnsw",
            postgresql_ops={"embedding": "vector_cosine_ops"},
        ),
    )

    tender_id: int = Field(
        sa_column=Column(Integer, ForeignKey("tenders.id", ondelete="CASCADE"), primary_key=True)
    )
    model: str = Field(sa_column=Column(Text, primary_key=True))
    text_digest: str = Field(sa_column=Column(Text, nullable=False))
    embedding: list[float] = Field(sa_column=Column(Vector(DIMENSIONS), nullable=False))
    embedded_at: datetime | None = Field(default=None, sa_column=now_column())
