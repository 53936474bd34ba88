"""Pipeline: the tenders a company follows, one row per (company, tender), with its status, the
amount it quoted, notes and a reminder date; an outcome found in the history moves it by itself.

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE pipeline_items (
            id             serial PRIMARY KEY,
            company_id     integer NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
            tender_id      integer NOT NULL REFERENCES tenders (id) ON DELETE CASCADE,
            status         text NOT NULL DEFAULT 'evaluando'
                           CHECK (status IN ('evaluando', 'cotizada', 'ganada', 'perdida', 'descartada')),
            status_set_by  text NOT NULL DEFAULT 'person' CHECK (status_set_by IN ('person', 'outcome')),
            outcome_note   text,
            quoted_amount  bigint CHECK (quoted_amount >= 0),
            notes          text NOT NULL DEFAULT '',
            remind_on      date,
            created_by     integer REFERENCES users (id) ON DELETE SET NULL,
            created_at     timestamptz NOT NULL DEFAULT now(),
            updated_at     timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT pipeline_items_company_tender UNIQUE (company_id, tender_id)
        );
        CREATE INDEX ix_pipeline_items_tender_id ON pipeline_items (tender_id);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE pipeline_items;")
