"""The win model: its versions (file, data window, evaluation), and the history it scores with — a
snapshot of every supplier's, supplier-and-buyer pair's and buyer's record, refreshed after imports
(the same definitions as the training rows: compraagil/scoring/features.py).

Revision ID: 0017
Revises: 0016
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE win_models (
            version      text PRIMARY KEY,
            trained_at   timestamptz NOT NULL DEFAULT now(),
            train_until  date NOT NULL,
            test_from    date NOT NULL,
            train_rows   integer NOT NULL,
            test_rows    integer NOT NULL,
            metrics      jsonb NOT NULL,
            path         text NOT NULL
        );
        CREATE TABLE win_supplier_stats (
            supplier_id  integer PRIMARY KEY,
            quotes       integer NOT NULL,
            wins         integer NOT NULL
        );
        CREATE TABLE win_pair_stats (
            supplier_id  integer NOT NULL,
            buyer_id     integer NOT NULL,
            quotes       integer NOT NULL,
            wins         integer NOT NULL,
            PRIMARY KEY (supplier_id, buyer_id)
        );
        CREATE INDEX win_pair_stats_buyer ON win_pair_stats (buyer_id, quotes DESC);
        CREATE TABLE win_buyer_stats (
            buyer_id     integer PRIMARY KEY,
            avg_quotes   double precision NOT NULL,
            loyalty      double precision NOT NULL
        );
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE win_models, win_supplier_stats, win_pair_stats, win_buyer_stats")
