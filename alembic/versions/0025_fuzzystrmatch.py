"""The Levenshtein distance (PostgreSQL's fuzzystrmatch) for the price matching: pg_trgm finds the
product keys with a word like the one asked for, and the distance keeps those one typo away from it
(trigrams alone took «gasa» for «gas» and «plasticina» for «plástico»: pricing/matching.py).

Revision ID: 0025
Revises: 0024
"""

from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS fuzzystrmatch")


def downgrade() -> None:
    op.execute("DROP EXTENSION IF EXISTS fuzzystrmatch")
