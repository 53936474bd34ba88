"""Rejects name the file they came from (a monthly zip holds two CSVs); sync cursors for the API.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE import_rejects ADD COLUMN file_name text NOT NULL DEFAULT '';
        ALTER TABLE import_runs ADD COLUMN rows_unchanged integer NOT NULL DEFAULT 0;

        CREATE TABLE sync_state (
            name        text PRIMARY KEY,
            cursor      timestamptz NOT NULL,
            updated_at  timestamptz NOT NULL DEFAULT now()
        );
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP TABLE sync_state;
        ALTER TABLE import_runs DROP COLUMN rows_unchanged;
        ALTER TABLE import_rejects DROP COLUMN file_name;
        """
    )
