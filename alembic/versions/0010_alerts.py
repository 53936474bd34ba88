"""Alerts: saved searches per user; the notices they and the pipeline's deadline reminders produce
(one per alert and tender, or per user, tender and reminder: the «at most once» keys), each in the
inbox at once and with the push channels still to deliver (`pending`); the delivery log (one row per
notice and push channel: sent, failed with its reason, skipped with why); and which import runs have
been matched. `tender_id` has no foreign key (tenders are never deleted, and the check would cost a
third of matching's time at 10,000 alerts), as for `tender_items`.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE alerts (
            id                  serial PRIMARY KEY,
            company_id          integer NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
            user_id             integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            name                text NOT NULL,
            text                text NOT NULL DEFAULT '',
            query               tsquery GENERATED ALWAYS AS (websearch_to_tsquery('es_unaccent', text)) STORED,
            region              smallint,
            organismo           text NOT NULL DEFAULT '',
            min_amount          bigint,
            max_amount          bigint,
            published_from      date,
            published_to        date,
            closes_from         date,
            closes_to           date,
            closes_within_days  integer,
            channels            text[] NOT NULL DEFAULT '{inbox,email}',
            frequency           text NOT NULL DEFAULT 'instant' CHECK (frequency IN ('instant', 'daily')),
            active              boolean NOT NULL DEFAULT true,
            created_at          timestamptz NOT NULL DEFAULT now(),
            updated_at          timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX ix_alerts_company_id ON alerts (company_id);
        CREATE INDEX ix_alerts_user_id ON alerts (user_id);

        CREATE TABLE alert_notices (
            id          bigserial PRIMARY KEY,
            user_id     integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            tender_id   integer NOT NULL,
            kind        text NOT NULL CHECK (kind IN ('alert', 'deadline_48h', 'deadline_24h')),
            alert_id    integer REFERENCES alerts (id) ON DELETE CASCADE,
            in_inbox    boolean NOT NULL DEFAULT true,
            pending     text[] NOT NULL DEFAULT '{}',
            created_at  timestamptz NOT NULL DEFAULT now(),
            read_at     timestamptz,
            CHECK ((kind = 'alert') = (alert_id IS NOT NULL))
        );
        CREATE UNIQUE INDEX alert_notices_once_per_alert ON alert_notices (alert_id, tender_id)
            WHERE alert_id IS NOT NULL;
        CREATE UNIQUE INDEX alert_notices_once_per_reminder ON alert_notices (user_id, tender_id, kind)
            WHERE alert_id IS NULL;
        CREATE INDEX ix_alert_notices_inbox ON alert_notices (user_id, created_at DESC) WHERE in_inbox;
        CREATE INDEX ix_alert_notices_pending ON alert_notices (user_id) WHERE pending <> '{}';

        CREATE TABLE alert_deliveries (
            id           bigserial PRIMARY KEY,
            notice_id    bigint NOT NULL REFERENCES alert_notices (id) ON DELETE CASCADE,
            channel      text NOT NULL,
            status       text NOT NULL CHECK (status IN ('sent', 'failed', 'skipped')),
            reason       text,
            attempts     integer NOT NULL DEFAULT 1,
            created_at   timestamptz NOT NULL DEFAULT now(),
            updated_at   timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT alert_deliveries_once_per_channel UNIQUE (notice_id, channel)
        );

        CREATE TABLE alert_run_checks (
            run_id      integer PRIMARY KEY REFERENCES import_runs (id) ON DELETE CASCADE,
            checked_at  timestamptz NOT NULL DEFAULT now(),
            tenders     integer NOT NULL DEFAULT 0,
            notices     integer NOT NULL DEFAULT 0
        );
        INSERT INTO alert_run_checks (run_id) SELECT id FROM import_runs;
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE alert_run_checks, alert_deliveries, alert_notices, alerts;")
