"""Quote identity: a supplier's quote in a process (`quotes`) and its lines (`quote_lines`).

Before, one row stood for «a supplier's quote on a product» and its key (closing date, tender,
supplier, product code, product) made two quotes of one supplier, or two lines of one quote for the
same product, overwrite each other; and COT's `MontoTotal` — the whole quote's total, repeated on
each of its lines — was stored as each line's amount. Now:

- `quotes`: one row per quote (the source's quote id when it has one, its state and reason, its
  total in its currency and in CLP, winner or not), numbered within the supplier's quotes in the
  process; partitioned by closing month like the lines.
- `quote_lines`: one row per line of a quote (line number, product code and name, the supplier's
  description, quantity, unit price, and the line amount only when the source gives one).

Existing rows are migrated with the importers' rules: a COT supplier's lines that carry one
MontoTotal form one quote whose total it is (a single-line quote keeps its unit price, the lines
of a larger one carry none); an API quote keeps its line amounts and totals their sum.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ENSURE_MONTH_PARTITION = """
-- Creates the partition of `parent` for the month of `day` when missing (named
-- <parent>_yYYYYmMM), moving any of its rows out of <parent>_default; returns its name.
CREATE FUNCTION ensure_month_partition(parent text, day date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    first_day  date := date_trunc('month', day)::date;
    next_month date := (date_trunc('month', day) + interval '1 month')::date;
    part_name  text := format('%s_y%sm%s', parent, to_char(first_day, 'YYYY'), to_char(first_day, 'MM'));
    has_rows   boolean;
BEGIN
    IF to_regclass(part_name) IS NOT NULL THEN
        RETURN part_name;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext(part_name));
    IF to_regclass(part_name) IS NOT NULL THEN
        RETURN part_name;
    END IF;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE closing_date >= %L AND closing_date < %L)',
                   parent || '_default', first_day, next_month) INTO has_rows;
    IF has_rows THEN
        EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                       part_name, parent);
        EXECUTE format('WITH moved AS (DELETE FROM %I WHERE closing_date >= %L'
                       ' AND closing_date < %L RETURNING *) INSERT INTO %I SELECT * FROM moved',
                       parent || '_default', first_day, next_month, part_name);
        EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                       parent, part_name, first_day, next_month);
    ELSE
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                       part_name, parent, first_day, next_month);
    END IF;
    RETURN part_name;
END;
$$;
"""

NEW_TABLES = """
CREATE TABLE quotes (
    closing_date     date NOT NULL,
    tender_codigo    text NOT NULL,
    supplier_id      integer NOT NULL,
    quote_number     smallint NOT NULL,
    source_quote_id  text,
    buyer_id         integer,
    region           smallint,
    state            text,
    state_reason     text,
    currency         text NOT NULL DEFAULT 'CLP',
    total            numeric(18, 4),
    total_clp        numeric(18, 4),
    winner           boolean NOT NULL DEFAULT false,
    line_count       smallint NOT NULL DEFAULT 0,
    import_run_id    integer,
    PRIMARY KEY (closing_date, tender_codigo, supplier_id, quote_number)
) PARTITION BY RANGE (closing_date);
CREATE TABLE quotes_default PARTITION OF quotes DEFAULT;

CREATE TABLE quote_lines (
    closing_date    date NOT NULL,
    tender_codigo   text NOT NULL,
    supplier_id     integer NOT NULL,
    quote_number    smallint NOT NULL,
    line_number     smallint NOT NULL,
    published_date  date,
    buyer_id        integer,
    product_id      integer NOT NULL,
    product_code    text NOT NULL DEFAULT '',
    description     text,
    quantity        numeric(18, 4),
    unit_price      numeric(18, 4),
    amount          numeric(18, 4),
    currency        text NOT NULL DEFAULT 'CLP',
    winner          boolean NOT NULL DEFAULT false,
    region          smallint,
    import_run_id   integer,
    PRIMARY KEY (closing_date, tender_codigo, supplier_id, quote_number, line_number)
) PARTITION BY RANGE (closing_date);
CREATE TABLE quote_lines_default PARTITION OF quote_lines DEFAULT;
"""

LINE_INDEXES = """
CREATE INDEX quote_lines_product_lookup ON quote_lines (product_id, closing_date)
    INCLUDE (unit_price, winner, supplier_id, buyer_id, region, currency);
CREATE INDEX quote_lines_price_sample ON quote_lines (product_id, closing_date)
    INCLUDE (unit_price, winner, supplier_id, buyer_id, region, currency)
    WHERE hashtextextended(tender_codigo, supplier_id) % 20 = 0;
"""

UPGRADE = (
    """
ALTER TABLE import_runs ADD COLUMN rows_duplicates integer NOT NULL DEFAULT 0;

-- COT tenders now get their requested items at import (~200k per 1M lines): like the history, the
-- items are written only by the importers, joined from their tender, so they keep no foreign key
-- (its per-row check took longer than inserting the items themselves).
ALTER TABLE tender_items DROP CONSTRAINT tender_items_tender_id_fkey;
-- and they are known by their tender and line: one index to keep, not two and a sequence
ALTER TABLE tender_items DROP CONSTRAINT tender_items_tender_id_line_number_key;
ALTER TABLE tender_items DROP COLUMN id;
ALTER TABLE tender_items ADD PRIMARY KEY (tender_id, line_number);

-- A digest of a COT tender's records as last imported: a re-import skips the cotizaciones whose
-- records did not change.
ALTER TABLE tenders ADD COLUMN cot_fingerprint text;

-- The old history steps aside (its partitions renamed, so the new tables can use the names).
DROP INDEX quotes_product_lookup;
DROP INDEX quotes_price_sample;
ALTER TABLE quotes RENAME TO quotes_v1;
DO $$
DECLARE part record;
BEGIN
    FOR part IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = 'quotes_v1'::regclass LOOP
        EXECUTE format('ALTER TABLE %I RENAME TO %I', part.relname, 'v1_' || part.relname);
    END LOOP;
END;
$$;
DROP FUNCTION ensure_quotes_partition(date);
"""
    + ENSURE_MONTH_PARTITION
    + NEW_TABLES
    + """
SELECT ensure_month_partition('quotes', month), ensure_month_partition('quote_lines', month)
FROM (SELECT DISTINCT date_trunc('month', closing_date)::date AS month FROM quotes_v1) months;

CREATE TEMP TABLE migrated AS
WITH v1 AS (
    SELECT q.*, coalesce(t.source = 'api', false) AS from_api
    FROM quotes_v1 q LEFT JOIN tenders t ON t.codigo = q.tender_codigo
), numbered AS (
    SELECT v1.*, CASE WHEN from_api THEN 1 ELSE dense_rank() OVER (
               PARTITION BY closing_date, tender_codigo, supplier_id ORDER BY amount NULLS LAST) END AS quote_number
    FROM v1
)
SELECT numbered.*,
       row_number() OVER (quote ORDER BY product_code, product_id) AS line_number,
       count(*) OVER quote AS lines_in_quote
FROM numbered
WINDOW quote AS (PARTITION BY closing_date, tender_codigo, supplier_id, quote_number);

INSERT INTO quote_lines (closing_date, tender_codigo, supplier_id, quote_number, line_number, published_date,
                         buyer_id, product_id, product_code, quantity, unit_price, amount, currency, winner,
                         region, import_run_id)
SELECT closing_date, tender_codigo, supplier_id, quote_number, line_number, published_date, buyer_id,
       product_id, product_code, quantity,
       CASE WHEN from_api THEN unit_price
            WHEN lines_in_quote = 1 AND quantity > 0 THEN round(amount / quantity, 4) END,
       CASE WHEN from_api THEN amount END,
       currency, winner, region, import_run_id
FROM migrated;

INSERT INTO quotes (closing_date, tender_codigo, supplier_id, quote_number, buyer_id, region, currency,
                    total, total_clp, winner, line_count, import_run_id)
SELECT closing_date, tender_codigo, supplier_id, quote_number, max(buyer_id), max(region), max(currency),
       total, CASE WHEN max(currency) = 'CLP' THEN total END, bool_or(winner), count(*), max(import_run_id)
FROM (SELECT *, CASE WHEN from_api THEN sum(amount) OVER q ELSE amount END AS total
      FROM migrated WINDOW q AS (PARTITION BY closing_date, tender_codigo, supplier_id, quote_number)) m
GROUP BY closing_date, tender_codigo, supplier_id, quote_number, total;

-- COT tenders now know how many quotes they received and what they asked for.
UPDATE tenders t SET quotes_received = n.quotes
FROM (SELECT tender_codigo, count(*) AS quotes FROM quotes GROUP BY tender_codigo) n
WHERE t.codigo = n.tender_codigo AND t.source = 'cot' AND t.quotes_received IS DISTINCT FROM n.quotes;

INSERT INTO tender_items (tender_id, line_number, product_code, name, quantity)
SELECT t.id, row_number() OVER (PARTITION BY t.id ORDER BY r.product_code, r.name, r.quantity),
       nullif(r.product_code, ''), r.name, r.quantity
FROM (SELECT DISTINCT l.tender_codigo, l.product_code, p.name, l.quantity
      FROM quote_lines l JOIN products p ON p.id = l.product_id) r
JOIN tenders t ON t.codigo = r.tender_codigo
WHERE t.source = 'cot' AND NOT EXISTS (SELECT 1 FROM tender_items i WHERE i.tender_id = t.id);

DROP TABLE migrated;
DROP TABLE quotes_v1 CASCADE;
"""
    + LINE_INDEXES
)

DOWNGRADE = """
DROP INDEX quote_lines_price_sample;
DROP INDEX quote_lines_product_lookup;
ALTER TABLE quote_lines RENAME TO quote_lines_v2;
ALTER TABLE quotes RENAME TO quotes_v2;
DO $$
DECLARE part record;
BEGIN
    FOR part IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent IN ('quote_lines_v2'::regclass, 'quotes_v2'::regclass) LOOP
        EXECUTE format('ALTER TABLE %I RENAME TO %I', part.relname, 'v2_' || part.relname);
    END LOOP;
END;
$$;
DROP FUNCTION ensure_month_partition(text, date);

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

SELECT ensure_quotes_partition(month)
FROM (SELECT DISTINCT date_trunc('month', closing_date)::date AS month FROM quote_lines_v2) months;

-- The old key keeps one line per supplier and product: the first of each quote's colliding lines.
INSERT INTO quotes (closing_date, published_date, tender_codigo, buyer_id, supplier_id, product_id,
                    product_code, quantity, amount, unit_price, currency, winner, region, import_run_id)
SELECT DISTINCT ON (l.closing_date, l.tender_codigo, l.supplier_id, l.product_code, l.product_id)
       l.closing_date, l.published_date, l.tender_codigo, l.buyer_id, l.supplier_id, l.product_id,
       l.product_code, l.quantity, coalesce(l.amount, q.total), l.unit_price, l.currency, l.winner,
       l.region, l.import_run_id
FROM quote_lines_v2 l
JOIN quotes_v2 q USING (closing_date, tender_codigo, supplier_id, quote_number)
ORDER BY l.closing_date, l.tender_codigo, l.supplier_id, l.product_code, l.product_id, l.quote_number,
         l.line_number;

DROP TABLE quote_lines_v2 CASCADE;
DROP TABLE quotes_v2 CASCADE;

CREATE INDEX quotes_product_lookup ON quotes (product_id, closing_date)
    INCLUDE (unit_price, winner, supplier_id, buyer_id, region, currency);
CREATE INDEX quotes_price_sample ON quotes (product_id, closing_date)
    INCLUDE (unit_price, winner, supplier_id, buyer_id, region, currency)
    WHERE hashtextextended(tender_codigo, supplier_id) % 20 = 0;

ALTER TABLE import_runs DROP COLUMN rows_duplicates;
ALTER TABLE tenders DROP COLUMN cot_fingerprint;
DELETE FROM tender_items i WHERE NOT EXISTS (SELECT 1 FROM tenders t WHERE t.id = i.tender_id);
ALTER TABLE tender_items DROP CONSTRAINT tender_items_pkey;
ALTER TABLE tender_items ADD COLUMN id serial PRIMARY KEY;
ALTER TABLE tender_items ADD CONSTRAINT tender_items_tender_id_line_number_key UNIQUE (tender_id, line_number);
ALTER TABLE tender_items ADD CONSTRAINT tender_items_tender_id_fkey
    FOREIGN KEY (tender_id) REFERENCES tenders (id) ON DELETE CASCADE;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
