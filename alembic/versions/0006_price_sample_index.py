"""A fixed 1-in-20 sample of the history, indexed like the price lookups, for broad price questions.

Which quotes are in the sample depends only on their natural key (tender and supplier), so it is
the same sample every time and every import keeps it up to date.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE INDEX quotes_price_sample ON quotes (product_id, closing_date)
            INCLUDE (unit_price, winner, supplier_id, buyer_id, region, currency)
            WHERE hashtextextended(tender_codigo, supplier_id) % 20 = 0
        """
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS quotes_price_sample")
