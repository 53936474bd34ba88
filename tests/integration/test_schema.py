from datetime import date

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from compraagil import migrations
from compraagil.db import get_engine, libpq_url
from compraagil.partitions import ensure_month_partitions


def _insert_quote(conn, closing_date: date, codigo: str = "1234-5-COT25") -> None:
    conn.execute(
        text(
            "INSERT INTO quotes (closing_date, tender_codigo, supplier_id, product_id, amount, quantity)"
            " VALUES (:d, :c, 1, 1, 10000, 2)"
        ),
        {"d": closing_date, "c": codigo},
    )


def _partition_of(conn, codigo: str) -> str:
    return conn.execute(
        text("SELECT tableoid::regclass::text FROM quotes WHERE tender_codigo = :c"), {"c": codigo}
    ).scalar_one()


def test_quote_lands_in_its_month_partition():
    with get_engine().begin() as conn:
        ensure_month_partitions(conn, [date(2025, 3, 17)])
        _insert_quote(conn, date(2025, 3, 17))
        assert _partition_of(conn, "1234-5-COT25") == "quotes_y2025m03"


def test_rows_in_default_partition_move_when_their_month_is_created():
    with get_engine().begin() as conn:
        _insert_quote(conn, date(2019, 6, 30), "early")
        assert _partition_of(conn, "early") == "quotes_default"
        ensure_month_partitions(conn, [date(2019, 6, 1)])
        assert _partition_of(conn, "early") == "quotes_y2019m06"
        assert conn.execute(text("SELECT count(*) FROM quotes")).scalar_one() == 1


def test_money_columns_are_exact_numerics():
    with get_engine().connect() as conn:
        types = dict(
            conn.execute(
                text(
                    "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns"
                    " WHERE column_name IN ('amount', 'unit_price', 'amount_available')"
                    " AND table_name IN ('quotes', 'tenders')"
                )
            ).all()
        )
    assert types == {
        "quotes.amount": "numeric",
        "quotes.unit_price": "numeric",
        "tenders.amount_available": "bigint",
    }


@pytest.fixture
def scratch_database(services):
    def on(database: str) -> str:
        return make_url(services.database_url).set(database=database).render_as_string(hide_password=False)

    admin = libpq_url(on("postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS scratch")
        conn.execute("CREATE DATABASE scratch")
    yield on("scratch")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("DROP DATABASE scratch WITH (FORCE)")


def test_upgrade_downgrade_upgrade(scratch_database):
    def tables() -> set[str]:
        with psycopg.connect(libpq_url(scratch_database)) as conn:
            rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
        return {row[0] for row in rows}

    migrations.upgrade(scratch_database)
    assert {
        "quotes",
        "tenders",
        "tender_items",
        "buyers",
        "suppliers",
        "import_runs",
        "import_rejects",
    } <= tables()
    migrations.downgrade(scratch_database)
    assert tables() == {"alembic_version"}
    migrations.upgrade(scratch_database)
    with psycopg.connect(libpq_url(scratch_database)) as conn:
        extensions = {row[0] for row in conn.execute("SELECT extname FROM pg_extension").fetchall()}
    assert {"vector", "pg_trgm", "unaccent"} <= extensions
