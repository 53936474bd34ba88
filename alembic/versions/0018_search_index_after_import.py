"""Tenders' search columns written by a trigger instead of generated, so a bulk import can defer
them: within a transaction that sets `compraagil.defer_search_index = on`, new tenders and tenders
whose text changed are left with NULL search columns (pending), and `compraagil.search.indexing`
fills them right after the commit. Every other writer gets them computed at once, as before.

The same values as the generated columns of 0004; existing rows keep theirs.

Revision ID: 0018
Revises: 0017
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

UPGRADE = """
CREATE FUNCTION tender_search_vector(name text, items_text text, description text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN setweight(to_tsvector('es_unaccent', coalesce(name, '')), 'A')
    || setweight(to_tsvector('es_unaccent', coalesce(items_text, '')), 'B')
    || setweight(to_tsvector('es_unaccent', coalesce(description, '')), 'C');

CREATE FUNCTION tender_search_document(name text, items_text text)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN fold(name || ' ' || coalesce(items_text, ''));

ALTER TABLE tenders ALTER COLUMN search_vector DROP EXPRESSION;
ALTER TABLE tenders ALTER COLUMN search_document DROP EXPRESSION;

CREATE FUNCTION tenders_search_columns() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('compraagil.defer_search_index', true) = 'on' THEN
        NEW.search_vector := NULL;
        NEW.search_document := NULL;
    ELSE
        NEW.search_vector := tender_search_vector(NEW.name, NEW.items_text, NEW.description);
        NEW.search_document := tender_search_document(NEW.name, NEW.items_text);
    END IF;
    RETURN NEW;
END
$$;

-- A deferred insert does not call the function at all: its search columns are simply not given.
CREATE TRIGGER tenders_search_on_insert BEFORE INSERT ON tenders FOR EACH ROW
WHEN (current_setting('compraagil.defer_search_index', true) IS DISTINCT FROM 'on')
EXECUTE FUNCTION tenders_search_columns();

CREATE TRIGGER tenders_search_on_text_change BEFORE UPDATE OF name, items_text, description ON tenders
FOR EACH ROW
WHEN ((OLD.name, OLD.items_text, OLD.description) IS DISTINCT FROM (NEW.name, NEW.items_text, NEW.description))
EXECUTE FUNCTION tenders_search_columns();

-- The pending tenders, found without reading the others.
CREATE INDEX tenders_search_pending ON tenders (id) WHERE search_vector IS NULL;
"""

DOWNGRADE = """
DROP INDEX tenders_search_pending;
DROP TRIGGER tenders_search_on_text_change ON tenders;
DROP TRIGGER tenders_search_on_insert ON tenders;
DROP FUNCTION tenders_search_columns();
DROP MATERIALIZED VIEW search_vocabulary;
ALTER TABLE tenders DROP COLUMN search_document, DROP COLUMN search_vector;
DROP FUNCTION tender_search_vector(text, text, text), tender_search_document(text, text);
ALTER TABLE tenders ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('es_unaccent', coalesce(name, '')), 'A')
    || setweight(to_tsvector('es_unaccent', coalesce(items_text, '')), 'B')
    || setweight(to_tsvector('es_unaccent', coalesce(description, '')), 'C')
) STORED;
ALTER TABLE tenders ADD COLUMN search_document text
    GENERATED ALWAYS AS (fold(name || ' ' || coalesce(items_text, ''))) STORED;
CREATE INDEX tenders_search_vector ON tenders USING gin (search_vector);
CREATE MATERIALIZED VIEW search_vocabulary AS
SELECT word, count(*) AS frequency
FROM tenders, regexp_split_to_table(search_document, '[^[:alnum:]]+') AS word
WHERE length(word) >= 3
GROUP BY word;
CREATE UNIQUE INDEX search_vocabulary_word ON search_vocabulary (word);
CREATE INDEX search_vocabulary_trgm ON search_vocabulary USING gin (word gin_trgm_ops);
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
