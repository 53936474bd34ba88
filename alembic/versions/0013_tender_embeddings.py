"""Tenders' embeddings for search by meaning: one vector per tender and model (a model's vectors are
never compared with another's), with a digest of the text it was made from (a tender whose text
changes is embedded again), and an HNSW index for cosine distance.

Revision ID: 0013
Revises: 0012
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE tender_embeddings (
            tender_id    integer NOT NULL REFERENCES tenders (id) ON DELETE CASCADE,
            model        text NOT NULL,
            text_digest  text NOT NULL,
            embedding    vector(512) NOT NULL,
            embedded_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tender_id, model)
        );
        CREATE INDEX tender_embeddings_hnsw ON tender_embeddings USING hnsw (embedding vector_cosine_ops);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE tender_embeddings")
