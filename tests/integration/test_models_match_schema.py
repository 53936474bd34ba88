"""compraagil/models/ mirrors what the migrations build: autogenerate finds nothing to change."""

import psycopg
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import compraagil.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from compraagil import migrations
from compraagil.db import libpq_url

EXPRESSION_INDEXES = {"products_name_trgm"}
"""Indexes on an expression with an operator class (`gin (fold(name) gin_trgm_ops)`): SQLAlchemy
reflects them only as text, so alembic cannot compare them with a model's index."""


def _partitions(url: str) -> set[str]:
    """Monthly and default partitions of the history: created at run time by `ensure_month_partition`,
    so the models declare only their parents (`quotes`, `quote_lines`)."""
    with psycopg.connect(libpq_url(url)) as conn:
        rows = conn.execute("SELECT relname FROM pg_class WHERE relispartition AND relkind = 'r'")
        return {name for (name,) in rows}


def _differences(url: str) -> list:
    partitions = _partitions(url)

    def include_object(obj, name, type_, reflected, compare_to):
        if type_ == "table":
            return name not in partitions
        if type_ == "index" and reflected and compare_to is None:
            return name not in EXPRESSION_INDEXES and obj.table.name not in partitions
        return True

    # The materialized view `search_vocabulary` needs no rule: alembic reflects tables only.
    # Generated columns (alerts.query) are compared by type and nullability; alembic does not
    # compare their expressions. Triggers (tenders' search columns) are not compared either.
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "compare_server_default": True,
                    "include_object": include_object,
                },
            )
            return compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()


def test_a_freshly_migrated_database_matches_the_models(scratch_database):
    migrations.upgrade(scratch_database)
    assert _differences(scratch_database) == []
