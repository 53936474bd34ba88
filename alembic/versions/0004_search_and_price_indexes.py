"""Search and price lookups: unaccented Spanish full text, trigram fuzzy matching, covering index.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UPGRADE = """
-- Spanish stemming that ignores accents: «batería» and «bateria» are the same word.
CREATE TEXT SEARCH CONFIGURATION es_unaccent (COPY = spanish);
ALTER TEXT SEARCH CONFIGURATION es_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;

-- unaccent() is only STABLE (it reads its dictionary); pinning the dictionary makes it indexable.
CREATE FUNCTION fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN lower(public.unaccent('public.unaccent'::regdictionary, $1));

ALTER TABLE tenders ADD COLUMN items_text text;
ALTER TABLE tenders ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('es_unaccent', coalesce(name, '')), 'A')
    || setweight(to_tsvector('es_unaccent', coalesce(items_text, '')), 'B')
    || setweight(to_tsvector('es_unaccent', coalesce(description, '')), 'C')
) STORED;
ALTER TABLE tenders ADD COLUMN search_document text
    GENERATED ALWAYS AS (fold(name || ' ' || coalesce(items_text, ''))) STORED;
CREATE INDEX tenders_search_vector ON tenders USING gin (search_vector);

-- The words people can be searching for, to correct typos word by word («nitrillo» → «nitrilo»).
CREATE MATERIALIZED VIEW search_vocabulary AS
SELECT word, count(*) AS frequency
FROM tenders, regexp_split_to_table(search_document, '[^[:alnum:]]+') AS word
WHERE length(word) >= 3
GROUP BY word;
CREATE UNIQUE INDEX search_vocabulary_word ON search_vocabulary (word);
CREATE INDEX search_vocabulary_trgm ON search_vocabulary USING gin (word gin_trgm_ops);
CREATE INDEX tenders_closes_at ON tenders (closes_at);
CREATE INDEX tenders_region_closes_at ON tenders (region, closes_at);

CREATE INDEX products_name_trgm ON products USING gin (fold(name) gin_trgm_ops);

-- Price lookups read only this index: the product's rows in a date window, with what they need.
CREATE INDEX quotes_product_lookup ON quotes (product_id, closing_date)
    INCLUDE (unit_price, winner, supplier_id, buyer_id, region, currency);
"""

DOWNGRADE = """
DROP INDEX IF EXISTS quotes_product_lookup;
DROP INDEX IF EXISTS products_name_trgm;
DROP INDEX IF EXISTS tenders_region_closes_at;
DROP INDEX IF EXISTS tenders_closes_at;
DROP MATERIALIZED VIEW IF EXISTS search_vocabulary;
DROP INDEX IF EXISTS tenders_search_vector;
ALTER TABLE tenders DROP COLUMN search_document;
ALTER TABLE tenders DROP COLUMN search_vector;
ALTER TABLE tenders DROP COLUMN items_text;
DROP FUNCTION fold(text);
DROP TEXT SEARCH CONFIGURATION es_unaccent;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
