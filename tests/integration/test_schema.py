from datetime import date
from decimal import Decimal

import psycopg
from sqlalchemy import text

from compraagil import migrations
from compraagil.db import get_engine, libpq_url
from tests.factories import ensure_month_partitions


def _insert_quote(conn, closing_date: date, codigo: str = "1234-5-COT25") -> None:
    """A quote of 10.000 with one line of two units."""
    conn.execute(
        text(
            "INSERT INTO quotes (closing_date, tender_codigo, supplier_id, quote_number, total, total_clp, line_count)"
            " VALUES (:d, :c, 1, 1, 10000, 10000, 1)"
        ),
        {"d": closing_date, "c": codigo},
    )
    conn.execute(
        text(
            "INSERT INTO quote_lines (closing_date, tender_codigo, supplier_id, quote_number, line_number,"
            " product_id, quantity, unit_price) VALUES (:d, :c, 1, 1, 1, 1, 2, 5000)"
        ),
        {"d": closing_date, "c": codigo},
    )


def _partitions_of(conn, codigo: str) -> list[str]:
    return [
        conn.execute(
            text(f"SELECT tableoid::regclass::text FROM {table} WHERE tender_codigo = :c"), {"c": codigo}
        ).scalar_one()
        for table in ("quotes", "quote_lines")
    ]


def test_quote_lands_in_its_month_partition():
    with get_engine().begin() as conn:
        ensure_month_partitions(conn, [date(2025, 3, 17)])
        _insert_quote(conn, date(2025, 3, 17))
        assert _partitions_of(conn, "1234-5-COT25") == ["quotes_y2025m03", "quote_lines_y2025m03"]


def test_rows_in_default_partition_move_when_their_month_is_created():
    with get_engine().begin() as conn:
        _insert_quote(conn, date(2019, 6, 30), "early")
        assert _partitions_of(conn, "early") == ["quotes_default", "quote_lines_default"]
        ensure_month_partitions(conn, [date(2019, 6, 1)])
        assert _partitions_of(conn, "early") == ["quotes_y2019m06", "quote_lines_y2019m06"]
        assert conn.execute(text("SELECT count(*) FROM quote_lines")).scalar_one() == 1


def test_money_columns_are_exact_numerics():
    with get_engine().connect() as conn:
        types = dict(
            conn.execute(
                text(
                    "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns"
                    " WHERE column_name IN ('amount', 'unit_price', 'amount_available', 'total', 'total_clp')"
                    " AND table_name IN ('quotes', 'quote_lines', 'tenders')"
                )
            ).all()
        )
    assert types == {
        "quotes.total": "numeric",
        "quotes.total_clp": "numeric",
        "quote_lines.amount": "numeric",
        "quote_lines.unit_price": "numeric",
        "tenders.amount_available": "bigint",
    }


def test_upgrade_downgrade_upgrade(scratch_database):
    def tables() -> set[str]:
        with psycopg.connect(libpq_url(scratch_database)) as conn:
            rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
        return {row[0] for row in rows}

    migrations.upgrade(scratch_database)
    assert {
        "quotes",
        "quote_lines",
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


def test_the_quote_identity_migration_keeps_every_quote_and_no_total_per_line(scratch_database):
    """Rows of the old one-table history become quotes and lines by the importers' rules: COT
    lines sharing a MontoTotal are one quote with that total; an API quote keeps its line amounts."""
    migrations.upgrade(scratch_database, "0006")
    with psycopg.connect(libpq_url(scratch_database)) as conn:
        conn.execute(
            """
            INSERT INTO tenders (codigo, name, state, source) VALUES
                ('1-1-COT26', 'COT', 'oc_emitida', 'cot'), ('1-2-COT26', 'API', 'cerrada', 'api');
            INSERT INTO products (id, name) VALUES (1, 'batería aa'), (2, 'cargador');
            SELECT ensure_quotes_partition('2026-03-05');
            INSERT INTO quotes (closing_date, tender_codigo, supplier_id, product_id, product_code, quantity,
                                amount, unit_price, winner) VALUES
                ('2026-03-05', '1-1-COT26', 7, 1, '26', 10, 30000, NULL, true),
                ('2026-03-05', '1-1-COT26', 7, 2, '27', 2, 30000, NULL, true),
                ('2026-03-05', '1-1-COT26', 8, 1, '26', 10, 12000, 1200, false),
                ('2026-03-05', '1-2-COT26', 8, 1, '26', 10, 9000, 900, false),
                ('2026-03-05', '1-2-COT26', 8, 2, '27', 2, 4000, 2000, false);
            """
        )
    migrations.upgrade(scratch_database)
    with psycopg.connect(libpq_url(scratch_database)) as conn:
        quotes = conn.execute(
            "SELECT tender_codigo, supplier_id, quote_number, total_clp, winner, line_count FROM quotes"
            " ORDER BY 1, 2, 3"
        ).fetchall()
        lines = conn.execute(
            "SELECT tender_codigo, supplier_id, line_number, unit_price, amount FROM quote_lines ORDER BY 1, 2, 3"
        ).fetchall()
        received = conn.execute("SELECT codigo, quotes_received FROM tenders ORDER BY 1").fetchall()
        items = conn.execute("SELECT count(*) FROM tender_items").fetchone()[0]
    assert quotes == [
        ("1-1-COT26", 7, 1, Decimal("30000"), True, 2),
        ("1-1-COT26", 8, 1, Decimal("12000"), False, 1),
        ("1-2-COT26", 8, 1, Decimal("13000"), False, 2),
    ]
    assert lines == [
        ("1-1-COT26", 7, 1, None, None),
        ("1-1-COT26", 7, 2, None, None),
        ("1-1-COT26", 8, 1, Decimal("1200"), None),
        ("1-2-COT26", 8, 1, Decimal("900"), Decimal("9000")),
        ("1-2-COT26", 8, 2, Decimal("2000"), Decimal("4000")),
    ]
    assert received == [("1-1-COT26", 2), ("1-2-COT26", None)]
    assert items == 2
