"""Quota refusals per company, feature and Santiago day: what the plan refused (the business
figure «conversion after a quota refusal» compares them with the payments that followed). No
foreign key: a refusal is written on its own connection while the refused request's transaction may
hold the company's row locked, and a key check would wait for it.

Revision ID: 0016
Revises: 0015
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE quota_refusals (
            company_id  integer NOT NULL,
            feature     text NOT NULL,
            day         date NOT NULL,
            times       integer NOT NULL DEFAULT 1,
            PRIMARY KEY (company_id, feature, day)
        );
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE quota_refusals")
