"""Tenders remember when their source last changed them, so a resumed sync skips what it has.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE tenders ADD COLUMN source_changed_at timestamptz")


def downgrade() -> None:
    op.execute("ALTER TABLE tenders DROP COLUMN source_changed_at")
