"""Each distinct text embedded and indexed once: `text_embeddings` holds one vector per (model, text
digest) with the HNSW index, and `tender_embeddings` keeps only which text each tender was embedded
from. HNSW is not built for many identical vectors: at 1M generated tenders (368,057 distinct texts)
their copies linked mostly to each other, and recall@20 stopped near 0.8 whatever `ef_search` was.
`tender_vectors` reads a tender's vector as before. The index links each text to 32 others, built
with a list of 128 (pgvector's defaults are 16 and 64): at 1M tenders recall@20 of typed queries at
`ef_search` 400 went from 0.831 to 0.925, for a build of 233 s instead of 93 (`bench/vector_bench.py`).

Revision ID: 0021
Revises: 0020
"""

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE text_embeddings (
            model        text NOT NULL,
            text_digest  text NOT NULL,
            embedding    vector(512) NOT NULL,
            PRIMARY KEY (model, text_digest)
        );
        INSERT INTO text_embeddings (model, text_digest, embedding)
        SELECT DISTINCT ON (model, text_digest) model, text_digest, embedding
        FROM tender_embeddings ORDER BY model, text_digest, embedded_at DESC;
        CREATE INDEX text_embeddings_hnsw ON text_embeddings USING hnsw (embedding vector_cosine_ops)
            WITH (m = 32, ef_construction = 128);
        DROP INDEX tender_embeddings_hnsw;
        ALTER TABLE tender_embeddings DROP COLUMN embedding;
        CREATE INDEX tender_embeddings_by_text ON tender_embeddings (model, text_digest);
        CREATE VIEW tender_vectors AS
            SELECT e.tender_id, e.model, e.text_digest, e.embedded_at, x.embedding
            FROM tender_embeddings e JOIN text_embeddings x USING (model, text_digest);
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP VIEW tender_vectors;
        ALTER TABLE tender_embeddings ADD COLUMN embedding vector(512);
        UPDATE tender_embeddings e SET embedding = x.embedding
        FROM text_embeddings x WHERE x.model = e.model AND x.text_digest = e.text_digest;
        ALTER TABLE tender_embeddings ALTER COLUMN embedding SET NOT NULL;
        DROP INDEX tender_embeddings_by_text;
        CREATE INDEX tender_embeddings_hnsw ON tender_embeddings USING hnsw (embedding vector_cosine_ops);
        DROP TABLE text_embeddings;
        """
    )
