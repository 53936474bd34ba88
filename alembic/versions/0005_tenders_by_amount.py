"""Tenders in order of amount, so a broad search sorted by amount reads only its first page.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX tenders_amount ON tenders (amount_available DESC NULLS LAST)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS tenders_amount")
