"""Payments, subscriptions and invoices.

- `payments`: one checkout or renewal order, its amount from the plan table, its provider's
  reference, and its state (`pending` → `paid` | `rejected` | `canceled`; a paid one never moves).
- `payment_events`: every provider notification processed (Stripe event ids, Flow tokens settled),
  so a replayed webhook or confirmation is recognised and changes nothing.
- `subscriptions`: a company's paid plan and its current period; `cancel_at_period_end`;
  `grace_until` when a renewal failed.
- `invoices`: boletas, facturas and notas de crédito, numbered per kind without gaps
  (`invoice_numbers` is advanced in the invoice's own transaction) and never changed after issue
  (a trigger refuses every UPDATE and DELETE).
- Companies get the billing details a factura needs (giro, dirección).

Revision ID: 0015
Revises: 0014
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE companies ADD COLUMN billing_giro text, ADD COLUMN billing_address text;

        CREATE TABLE payments (
            id              serial PRIMARY KEY,
            public_id       text NOT NULL UNIQUE,
            company_id      integer NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
            user_id         integer REFERENCES users (id) ON DELETE SET NULL,
            provider        text NOT NULL CHECK (provider IN ('flow', 'stripe')),
            purpose         text NOT NULL CHECK (purpose IN ('subscribe', 'upgrade', 'renewal')),
            plan            text NOT NULL,
            amount_clp      integer NOT NULL CHECK (amount_clp > 0),
            credit_clp      integer NOT NULL DEFAULT 0,
            status          text NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'paid', 'rejected', 'canceled')),
            provider_ref    text,
            checkout_url    text,
            created_at      timestamptz NOT NULL DEFAULT now(),
            settled_at      timestamptz,
            UNIQUE (provider, provider_ref)
        );
        CREATE INDEX ix_payments_company_id ON payments (company_id, created_at DESC);

        CREATE TABLE payment_events (
            provider     text NOT NULL,
            event_id     text NOT NULL,
            kind         text NOT NULL,
            received_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (provider, event_id)
        );

        CREATE TABLE subscriptions (
            company_id             integer PRIMARY KEY REFERENCES companies (id) ON DELETE CASCADE,
            plan                   text NOT NULL,
            provider               text NOT NULL,
            provider_ref           text,
            status                 text NOT NULL CHECK (status IN ('active', 'past_due', 'ended')),
            period_start           timestamptz NOT NULL,
            period_end             timestamptz NOT NULL,
            cancel_at_period_end   boolean NOT NULL DEFAULT false,
            grace_until            timestamptz,
            reminded_for           timestamptz,
            updated_at             timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX ix_subscriptions_period_end ON subscriptions (period_end) WHERE status <> 'ended';

        CREATE TABLE invoice_numbers (
            kind  text PRIMARY KEY,
            last  integer NOT NULL
        );
        INSERT INTO invoice_numbers VALUES ('boleta', 0), ('factura', 0), ('nota_credito', 0);

        CREATE TABLE invoices (
            id              serial PRIMARY KEY,
            kind            text NOT NULL REFERENCES invoice_numbers (kind),
            number          integer NOT NULL,
            company_id      integer NOT NULL REFERENCES companies (id) ON DELETE RESTRICT,
            payment_id      integer NOT NULL REFERENCES payments (id) ON DELETE RESTRICT,
            corrects_id     integer REFERENCES invoices (id),
            buyer_rut       text,
            buyer_name      text NOT NULL,
            buyer_giro      text,
            buyer_address   text,
            description     text NOT NULL,
            net_clp         integer NOT NULL,
            vat_clp         integer NOT NULL,
            total_clp       integer NOT NULL,
            issued_at       timestamptz NOT NULL DEFAULT now(),
            UNIQUE (kind, number),
            CHECK (net_clp + vat_clp = total_clp)
        );
        CREATE INDEX ix_invoices_company_id ON invoices (company_id, issued_at DESC);
        CREATE UNIQUE INDEX invoices_one_credit_note ON invoices (corrects_id) WHERE corrects_id IS NOT NULL;

        CREATE FUNCTION invoices_are_final() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'an issued invoice is never changed or deleted (issue a nota de crédito)';
        END $$;
        CREATE TRIGGER invoices_are_final BEFORE UPDATE OR DELETE ON invoices
            FOR EACH ROW EXECUTE FUNCTION invoices_are_final();
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP TABLE invoices;
        DROP FUNCTION invoices_are_final;
        DROP TABLE invoice_numbers, subscriptions, payment_events, payments;
        ALTER TABLE companies DROP COLUMN billing_giro, DROP COLUMN billing_address;
        """
    )
