"""Product names no longer kept folded: since 0023 price queries match the keys' small dictionary
(`price_keys`), and nothing read `products.folded` or its trigram index. Each new name of an import
still computed the column and took entries in the index.

Revision ID: 0026
Revises: 0025
"""

from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DROP INDEX products_folded_trgm; ALTER TABLE products DROP COLUMN folded")


def downgrade() -> None:
    op.execute(
        """
        ALTER TABLE products ADD COLUMN folded text GENERATED ALWAYS AS (fold(name)) STORED;
        CREATE INDEX products_folded_trgm ON products USING gin (folded gin_trgm_ops);
        """
    )
