"""Prices read by product key: every product name gets its key (its first three product words), and
the priced lines are kept once more, by key, in `price_lines`.

Buyers spell one product thousands of ways, so a broad price question covered tens of thousands of
names: at 10M generated quote lines «té» covered 76,629 names, found in 0.9 s, and reading their
lines probed every monthly partition once per name (1.6 s for the sample alone). Names that share
their first three product words share a key: 600,975 names but 18,195 keys. A question now matches
keys (a small dictionary) and reads their lines from one table ordered by key.

`price_lines` follows the history a month at a time: an import marks the months it wrote in
`price_months_pending`, and `compraagil.pricing.history.refresh_pending()` rebuilds them after the
commit. Here they are filled from the whole history. The 1-in-20 sample of the lines is a flag with its own partial index (the history's sample
index, which only pricing read, is dropped).

Revision ID: 0023
Revises: 0022
"""

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

OPTIONAL_WORDS = (
    # connectors
    "a", "al", "con", "de", "del", "el", "en", "la", "las", "los", "o", "para", "por", "sin", "su", "x", "y",
    # units, as buyers abbreviate them
    "u", "un", "uds", "unid", "unidad", "unidades", "caja", "cajas", "cj", "cja", "pack", "paquete", "paquetes",
    "l", "lt", "lts", "litro", "litros", "ml", "cc", "m", "mt", "mts", "metro", "metros", "cm", "mm",
    "kg", "kgs", "kilo", "kilos", "g", "gr", "grs", "gramo", "gramos", "h", "hjs", "hoja", "hojas",
    "talla", "t", "pulgada", "pulgadas", "pulg", "rollo", "rollos",
)  # fmt: skip

PRODUCT_KEY = f"""
CREATE FUNCTION product_key(folded text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT AS $$
DECLARE
    word text;
    kept text[] := '{{}}';
    words text[] := string_to_array(btrim(regexp_replace(folded, '\\s+', ' ', 'g')), ' ');
BEGIN
    FOREACH word IN ARRAY words LOOP
        IF word ~ '^[[:alnum:]-]*[[:alnum:]][[:alnum:]-]*$'
           AND word <> ALL (ARRAY[{", ".join(f"'{word}'" for word in OPTIONAL_WORDS)}]) THEN
            kept := kept || word;
            EXIT WHEN cardinality(kept) = 3;
        END IF;
    END LOOP;
    IF cardinality(kept) = 0 THEN
        kept := words[1:3];  -- a name of connectors and units alone: its first words
    END IF;
    RETURN array_to_string(kept, ' ');
END
$$;
"""
"""The key of a folded name: its first three plain words (letters, digits, hyphens) but connectors
and units. A loop (6.6 µs a name) rather than one SQL query over its words (14.5 µs): every new
product name of an import is keyed."""

UPGRADE = (
    PRODUCT_KEY
    + """
ALTER TABLE products ADD COLUMN key text GENERATED ALWAYS AS (product_key(fold(name))) STORED;

CREATE TABLE price_keys (
    key       text PRIMARY KEY,
    names     integer NOT NULL,
    plainest  text NOT NULL
);
CREATE INDEX price_keys_trgm ON price_keys USING gin (key gin_trgm_ops);

CREATE TABLE price_lines (
    key           text NOT NULL,
    closing_date  date NOT NULL,
    price         double precision NOT NULL,
    winner        boolean NOT NULL,
    supplier_id   integer NOT NULL,
    buyer_id      integer,
    region        smallint,
    sampled       boolean NOT NULL
);
CREATE INDEX price_lines_by_key ON price_lines (key, closing_date)
    INCLUDE (price, winner, supplier_id, buyer_id, region);
CREATE INDEX price_lines_sample ON price_lines (key, closing_date)
    INCLUDE (price, winner, supplier_id, buyer_id, region) WHERE sampled;
CREATE INDEX price_lines_by_month ON price_lines (closing_date);

CREATE TABLE price_months_pending (month date PRIMARY KEY);

INSERT INTO price_lines
SELECT p.key, q.closing_date, q.unit_price::float8, q.winner, q.supplier_id, q.buyer_id, q.region,
       hashtextextended(q.tender_codigo, q.supplier_id) % 20 = 0
FROM quote_lines q JOIN products p ON p.id = q.product_id
WHERE q.unit_price > 0 AND q.currency = 'CLP';

INSERT INTO price_keys
SELECT DISTINCT ON (key) key, count(*) OVER (PARTITION BY key), name FROM products
ORDER BY key, length(name), id;

DROP INDEX quote_lines_price_sample;
"""
)


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(
        """
        CREATE INDEX quote_lines_price_sample ON quote_lines (product_id, closing_date)
            INCLUDE (unit_price, winner, supplier_id, buyer_id, region, currency)
            WHERE hashtextextended(tender_codigo, supplier_id) % 20 = 0;
        DROP TABLE price_months_pending, price_lines, price_keys;
        ALTER TABLE products DROP COLUMN key;
        DROP FUNCTION product_key(text);
        """
    )
