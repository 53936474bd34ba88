"""Schema v1: extensions, buyers, suppliers, products, tenders and items, the monthly-partitioned
quotes history, and import runs with their rejects.

Revision ID: 0001
Revises:
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UPGRADE = """
CREATE EXTENSION IF NOT EXISTS vector;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TABLE buyers (
    id          serial PRIMARY KEY,
    unit_code   text NOT NULL UNIQUE,
    unit_name   text NOT NULL,
    organismo   text NOT NULL,
    rut         text,
    region      smallint CHECK (region BETWEEN 1 AND 16)
);

CREATE TABLE suppliers (
    id    serial PRIMARY KEY,
    rut   text NOT NULL UNIQUE,
    name  text NOT NULL,
    size  text
);

CREATE TABLE products (
    id    serial PRIMARY KEY,
    name  text NOT NULL UNIQUE
);

CREATE TABLE tenders (
    id                serial PRIMARY KEY,
    codigo            text NOT NULL UNIQUE,
    name              text NOT NULL,
    description       text,
    state             text NOT NULL,
    buyer_id          integer REFERENCES buyers (id),
    region            smallint CHECK (region BETWEEN 1 AND 16),
    published_at      timestamptz,
    closes_at         timestamptz,
    amount_available  bigint,
    currency          text NOT NULL DEFAULT 'CLP',
    delivery_address  text,
    delivery_days     integer,
    quotes_received   integer,
    source            text NOT NULL,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tenders_state_closes_at ON tenders (state, closes_at);
CREATE INDEX tenders_buyer_id ON tenders (buyer_id);

CREATE TABLE tender_items (
    id            serial PRIMARY KEY,
    tender_id     integer NOT NULL REFERENCES tenders (id) ON DELETE CASCADE,
    line_number   integer NOT NULL,
    product_code  text,
    name          text NOT NULL,
    description   text,
    quantity      numeric(18, 4),
    unit          text,
    UNIQUE (tender_id, line_number)
);

-- The history: one row per supplier quote per requested line, partitioned by closing month and
-- identified by its natural key (the same quote imported twice is the same row).
-- No foreign keys here on purpose: the bulk loader resolves buyer, supplier and product ids
-- itself, and per-row RI triggers would cost more than the whole load.
CREATE TABLE quotes (
    closing_date    date NOT NULL,
    published_date  date,
    tender_codigo   text NOT NULL,
    buyer_id        integer,
    supplier_id     integer NOT NULL,
    product_id      integer NOT NULL,
    product_code    text NOT NULL DEFAULT '',
    quantity        numeric(18, 4),
    amount          numeric(18, 2),
    unit_price      numeric(18, 4),
    currency        text NOT NULL DEFAULT 'CLP',
    winner          boolean NOT NULL DEFAULT false,
    region          smallint,
    import_run_id   integer,
    PRIMARY KEY (closing_date, tender_codigo, supplier_id, product_code, product_id)
) PARTITION BY RANGE (closing_date);

CREATE TABLE quotes_default PARTITION OF quotes DEFAULT;

-- Creates the partition for the month of `day` when missing, moving any rows of that month
-- that had landed in the default partition; returns the partition's name.
CREATE FUNCTION ensure_quotes_partition(day date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    first_day  date := date_trunc('month', day)::date;
    next_month date := (date_trunc('month', day) + interval '1 month')::date;
    part_name  text := format('quotes_y%sm%s', to_char(first_day, 'YYYY'), to_char(first_day, 'MM'));
BEGIN
    IF to_regclass(part_name) IS NOT NULL THEN
        RETURN part_name;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext(part_name));
    IF to_regclass(part_name) IS NOT NULL THEN
        RETURN part_name;
    END IF;
    IF EXISTS (SELECT 1 FROM quotes_default
               WHERE closing_date >= first_day AND closing_date < next_month) THEN
        EXECUTE format('CREATE TABLE %I (LIKE quotes INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                       part_name);
        EXECUTE format('WITH moved AS (DELETE FROM quotes_default WHERE closing_date >= %L'
                       ' AND closing_date < %L RETURNING *) INSERT INTO %I SELECT * FROM moved',
                       first_day, next_month, part_name);
        EXECUTE format('ALTER TABLE quotes ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                       part_name, first_day, next_month);
    ELSE
        EXECUTE format('CREATE TABLE %I PARTITION OF quotes FOR VALUES FROM (%L) TO (%L)',
                       part_name, first_day, next_month);
    END IF;
    RETURN part_name;
END;
$$;

CREATE TABLE import_runs (
    id             serial PRIMARY KEY,
    source         text NOT NULL,
    kind           text NOT NULL,
    status         text NOT NULL DEFAULT 'running'
                   CHECK (status IN ('running', 'succeeded', 'failed')),
    started_at     timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz,
    rows_read      integer NOT NULL DEFAULT 0,
    rows_inserted  integer NOT NULL DEFAULT 0,
    rows_updated   integer NOT NULL DEFAULT 0,
    rows_rejected  integer NOT NULL DEFAULT 0,
    error          text
);

CREATE TABLE import_rejects (
    id           bigserial PRIMARY KEY,
    run_id       integer NOT NULL REFERENCES import_runs (id) ON DELETE CASCADE,
    line_number  integer NOT NULL,
    reason       text NOT NULL,
    raw_line     text NOT NULL
);
CREATE INDEX ix_import_rejects_run_id ON import_rejects (run_id);
"""

DOWNGRADE = """
DROP TABLE IF EXISTS import_rejects;
DROP TABLE IF EXISTS import_runs;
DROP FUNCTION IF EXISTS ensure_quotes_partition(date);
DROP TABLE IF EXISTS quotes CASCADE;
DROP TABLE IF EXISTS tender_items;
DROP TABLE IF EXISTS tenders;
DROP TABLE IF EXISTS products;
DROP TABLE IF EXISTS suppliers;
DROP TABLE IF EXISTS buyers;
DROP EXTENSION IF EXISTS unaccent;
DROP EXTENSION IF EXISTS pg_trgm;
DROP EXTENSION IF EXISTS vector;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
