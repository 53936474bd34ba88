"""API keys for the REST API and the MCP server (PROFESIONAL): a key is shown once; only its SHA-256
and a short prefix (to tell keys apart in Cuenta) are stored, with when it was last used and revoked.

Revision ID: 0014
Revises: 0013
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE api_keys (
            id            serial PRIMARY KEY,
            company_id    integer NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
            user_id       integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            name          text NOT NULL,
            prefix        text NOT NULL,
            key_hash      text NOT NULL UNIQUE,
            created_at    timestamptz NOT NULL DEFAULT now(),
            last_used_at  timestamptz,
            revoked_at    timestamptz
        );
        CREATE INDEX ix_api_keys_company_id ON api_keys (company_id);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE api_keys")
