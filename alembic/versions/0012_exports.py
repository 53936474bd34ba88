"""Excel exports: what a company asked for, its status and the file's name (the file itself lives
under the data folder for one day).

Revision ID: 0012
Revises: 0011
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE exports (
            id           uuid PRIMARY KEY,
            company_id   integer NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
            user_id      integer REFERENCES users (id) ON DELETE SET NULL,
            kind         text NOT NULL CHECK (kind IN ('busqueda', 'pipeline', 'resultados', 'precios')),
            params       jsonb NOT NULL DEFAULT '{}',
            status       text NOT NULL DEFAULT 'pendiente' CHECK (status IN ('pendiente', 'lista', 'fallida')),
            file_name    text NOT NULL,
            rows         integer,
            created_at   timestamptz NOT NULL DEFAULT now(),
            finished_at  timestamptz
        );
        CREATE INDEX ix_exports_company_id ON exports (company_id);
        CREATE INDEX ix_exports_created_at ON exports (created_at);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE exports;")
