"""Semantic alerts: an alert may watch by meaning (a vector per embedding model, seeded from its text
or the products the company quoted, moved by 👍/👎 on what it delivered), with its threshold.

Revision ID: 0020
Revises: 0019
"""

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE alerts ADD COLUMN semantic boolean NOT NULL DEFAULT false")
    op.execute("ALTER TABLE alert_notices ADD COLUMN useful boolean")
    op.execute(
        """
        CREATE TABLE alert_vectors (
            alert_id     integer NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
            model        text NOT NULL,
            seed         vector(512) NOT NULL,
            vector       vector(512) NOT NULL,
            threshold    real NOT NULL,
            seeded_from  text NOT NULL,
            updated_at   timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (alert_id, model)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE semantic_alert_checks (
            model           text PRIMARY KEY,
            embedded_until  timestamptz NOT NULL
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE semantic_alert_checks")
    op.execute("DROP TABLE alert_vectors")
    op.execute("ALTER TABLE alert_notices DROP COLUMN useful")
    op.execute("ALTER TABLE alerts DROP COLUMN semantic")
