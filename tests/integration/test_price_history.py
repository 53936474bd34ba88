"""The priced history by product key follows every import a month at a time (COT files, the API,
re-imports that change or drop lines), and the migration fills it from a history already there."""

import copy
from datetime import date

import psycopg
import pytest
from sqlalchemy import text

from compraagil import migrations
from compraagil.db import connect, get_engine, libpq_url
from compraagil.ingest.api_v2.files import import_records
from compraagil.pricing import history
from jobs.tasks.imports import refresh_prices
from tests.cot_files import row
from tests.factories import DETAIL_USD, cot_history, rut

PRICE_LINES = "SELECT key, closing_date, price, winner, sampled FROM price_lines ORDER BY 1, 2, 3"
HISTORY = """
SELECT p.key, q.closing_date, q.unit_price::float8, q.winner,
       hashtextextended(q.tender_codigo, q.supplier_id) % 20 = 0
FROM quote_lines q JOIN products p ON p.id = q.product_id
WHERE q.unit_price > 0 AND q.currency = 'CLP' ORDER BY 1, 2, 3
"""


def read(sql: str, **params) -> list[tuple]:
    with get_engine().connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Guantes de nitrilo talla M caja 100 unidades", "guantes nitrilo 100"),
        ("GUANTES NITRILO T/M CJ 100 UN MARCA BIC O SIMILAR PARA CESFAM 12", "guantes nitrilo 100"),
        ("Cloro líquido 5 litros", "cloro liquido 5"),
        ("Tóner HP 85A", "toner hp 85a"),
        ("Post-it 76 x 76 mm", "post-it 76 76"),
        ("caja de 100", "100"),
        ("Caja", "caja"),
        ("  Té   en bolsitas  ", "te bolsitas"),
    ],
)
def test_a_name_is_keyed_by_its_first_three_product_words(services, name, key):
    """Connectors and units are left out (any first words when the name is nothing else)."""
    assert read("SELECT product_key(fold(:name))", name=name) == [(key,)]


def cotizacion(number: int, price: int, closing: str, product: str = "Guantes de nitrilo talla M") -> str:
    return row(
        CodigoCotizacion=f"900-{number}-COT26", FechaCierreParaCotizar=closing, ProductoCotizado=product,
        CantidadSolicitada="1", MontoTotal=str(price), RUTProveedor=rut(76_300_000 + number),
    )  # fmt: skip


def test_a_cot_import_lands_its_priced_lines_by_key_and_a_changed_one_its_new_prices(tmp_path):
    october = [cotizacion(n, 5000 + 10 * n, f"2026-10-{n + 1:02d}") for n in range(25)]
    november = [cotizacion(100, 7000, "2026-11-05", "Cloro líquido 5 litros")]
    cot_history(tmp_path, "first.csv", october + november)

    assert read(PRICE_LINES) == read(HISTORY) and len(read(PRICE_LINES)) == 26
    assert read("SELECT key, names, plainest FROM price_keys ORDER BY key") == [
        ("cloro liquido 5", 1, "cloro líquido 5 litros"),
        ("guantes nitrilo", 1, "guantes de nitrilo talla m"),
    ]

    changed = [cotizacion(100, 7700, "2026-11-05", "Cloro líquido 5 litros")]
    cot_history(tmp_path, "again.csv", october + changed)

    assert read("SELECT price FROM price_lines WHERE key = 'cloro liquido 5'") == [(7700.0,)]
    assert read(PRICE_LINES) == read(HISTORY)
    assert read("SELECT count(*) FROM price_months_pending") == [(0,)]


def test_an_api_sync_lands_its_quotes_and_a_quote_withdrawn_leaves(services):
    closed = copy.deepcopy(DETAIL_USD)
    closed["presupuesto"] = {"moneda": "CLP", "monto_disponible": 470000, "monto_disponible_clp": 470000}
    import_records([copy.deepcopy(closed)], source="test")
    assert read("SELECT key, closing_date, price FROM price_lines ORDER BY price") == [
        ("guantes nitrilo", date(2026, 9, 23), price) for price in (8.0, 8.5, 9.0, 9.0)
    ], "talla M and talla L: sizes are details, not the product"

    closed["proveedores_cotizando"] = closed["proveedores_cotizando"][:1]
    import_records([closed], source="test")
    assert read("SELECT price FROM price_lines ORDER BY price") == [(8.0,), (8.5,)]


def test_the_migration_fills_the_priced_lines_from_the_history_there(scratch_database):
    migrations.upgrade(scratch_database, "0022")
    with psycopg.connect(libpq_url(scratch_database), autocommit=True) as conn:
        conn.execute(
            """
            INSERT INTO products (name) VALUES ('guantes de nitrilo talla m'), ('guante nitrilo caja 100');
            INSERT INTO suppliers (rut, name) VALUES ('76300001-7', 'Proveedor SpA');
            SELECT ensure_month_partition('quote_lines', '2026-10-01');
            INSERT INTO quote_lines (closing_date, tender_codigo, supplier_id, quote_number, line_number,
                                     product_id, unit_price, currency, winner)
            VALUES ('2026-10-02', '900-1-COT26', 1, 1, 1, 1, 5000, 'CLP', true),
                   ('2026-10-02', '900-1-COT26', 1, 1, 2, 2, 0, 'CLP', false),
                   ('2026-10-03', '900-2-COT26', 1, 1, 1, 2, 30, 'USD', false),
                   ('2026-10-04', '900-3-COT26', 1, 1, 1, 2, 4000, 'CLP', false);
            """
        )
    migrations.upgrade(scratch_database)
    with psycopg.connect(libpq_url(scratch_database)) as conn:
        assert conn.execute(
            "SELECT key, closing_date, price, winner FROM price_lines ORDER BY 2"
        ).fetchall() == [
            ("guantes nitrilo", date(2026, 10, 2), 5000.0, True),
            ("guante nitrilo 100", date(2026, 10, 4), 4000.0, False),
        ]
        assert conn.execute("SELECT key, names FROM price_keys ORDER BY 1").fetchall() == [
            ("guante nitrilo 100", 1),
            ("guantes nitrilo", 1),
        ]


def test_months_left_marked_are_rebuilt_by_the_scheduled_catch_up(tmp_path):
    cot_history(tmp_path, "first.csv", [cotizacion(n, 5000, "2026-10-02") for n in range(3)])
    with connect() as conn, conn.transaction():
        conn.execute("UPDATE quote_lines SET unit_price = 6000 WHERE tender_codigo = '900-0-COT26'")
        history.mark_months(conn, [date(2026, 10, 2)])  # an import whose refresh was cut short

    assert refresh_prices().startswith("price months rebuilt: 1 ")
    assert read("SELECT price FROM price_lines ORDER BY price") == [(5000.0,), (5000.0,), (6000.0,)]
    assert read("SELECT count(*) FROM price_months_pending") == [(0,)]
