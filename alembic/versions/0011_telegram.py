"""Telegram: the chat each user linked (one chat per user and one user per chat). The link token
itself is a `user_tokens` row with purpose `telegram` (single use, 15 minutes, only its hash).

Revision ID: 0011
Revises: 0010
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE telegram_links (
            user_id    integer PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
            chat_id    bigint NOT NULL UNIQUE,
            linked_at  timestamptz NOT NULL DEFAULT now()
        );
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE telegram_links;")
