"""Proposals: a company's quote letter for one tender, written in a job (Gemini or the offline
templates), then edited into new versions; every version is kept.

Revision ID: 0019
Revises: 0018
"""

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE proposals (
            id             uuid PRIMARY KEY,
            company_id     integer NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
            user_id        integer REFERENCES users (id) ON DELETE SET NULL,
            tender_codigo  text NOT NULL,
            title          text NOT NULL,
            status         text NOT NULL DEFAULT 'pendiente' CHECK (status IN ('pendiente', 'lista', 'fallida')),
            writer         text CHECK (writer IN ('gemini', 'plantilla')),
            note           text,
            created_at     timestamptz NOT NULL DEFAULT now(),
            finished_at    timestamptz
        );
        CREATE INDEX ix_proposals_company_created ON proposals (company_id, created_at);
        CREATE TABLE proposal_versions (
            proposal_id  uuid NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
            version      integer NOT NULL,
            body         text NOT NULL,
            source       text NOT NULL CHECK (source IN ('gemini', 'plantilla', 'edicion')),
            user_id      integer REFERENCES users (id) ON DELETE SET NULL,
            created_at   timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (proposal_id, version)
        );
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE proposal_versions, proposals")
