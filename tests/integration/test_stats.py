import json
import re
from decimal import Decimal

from compraagil import cli
from compraagil.dashboard.holdings import holdings, json_money
from compraagil.db import get_engine, session_scope

DATA = """
INSERT INTO buyers (unit_code, unit_name, organismo) VALUES ('1', 'Adquisiciones', 'Municipalidad'),
                                                            ('2', 'Abastecimiento', 'Hospital');
INSERT INTO suppliers (rut, name) VALUES ('76086428-5', 'Uno'), ('78167575-K', 'Dos'), ('77814808-1', 'Tres');
INSERT INTO products (name) VALUES ('pilas aa'), ('guantes');
INSERT INTO tenders (codigo, name, state, source) VALUES
    ('1-COT26', 'a', 'cerrada', 'cot'), ('2-COT26', 'b', 'cerrada', 'cot'),
    ('3-COT26', 'c', 'oc_emitida', 'cot'), ('4-COT26', 'd', 'publicada', 'api');
INSERT INTO quotes (closing_date, tender_codigo, supplier_id, quote_number, currency, total, total_clp) VALUES
    ('2026-02-10', '1-COT26', 1, 1, 'CLP', 1000, 1000),
    ('2026-02-10', '1-COT26', 2, 1, 'CLP', 2500.5, 2500.5),
    ('2026-03-03', '3-COT26', 3, 1, 'USD', 10, 9400.25);
INSERT INTO quote_lines (closing_date, tender_codigo, supplier_id, quote_number, line_number, product_id,
                         amount, currency) VALUES
    ('2026-02-10', '1-COT26', 1, 1, 1, 1, NULL, 'CLP'),
    ('2026-02-10', '1-COT26', 2, 1, 1, 1, 100, 'CLP'),
    ('2026-03-03', '3-COT26', 3, 1, 1, 2, 50.25, 'CLP'),
    ('2026-03-03', '3-COT26', 3, 1, 2, 2, 10, 'USD');
"""


def load_data() -> None:
    with get_engine().begin() as conn:
        conn.exec_driver_sql(DATA)


def test_holdings_count_and_sum_what_is_stored():
    load_data()
    with session_scope() as session:
        figures = holdings(session=session)

    assert figures.as_json() == {
        "tenders": 4,
        "quotes": 3,
        "quote_lines": 4,
        "suppliers": 3,
        "buyers": 2,
        "products": 2,
        "line_amount_clp": 150.25,
        "quote_total_clp": 12900.75,
        "months": [{"month": "2026-02", "quote_lines": 2}, {"month": "2026-03", "quote_lines": 2}],
        "first_month": "2026-02",
        "last_month": "2026-03",
        "tenders_by_source": {"cot": 3, "api": 1},
        "tenders_by_state": {"cerrada": 2, "oc_emitida": 1, "publicada": 1},
    }


def test_stats_prints_aligned_spanish_lines_and_json(capsys, monkeypatch):
    monkeypatch.setattr(cli, "configure_logging", lambda service: None)
    load_data()

    assert cli.main(["stats"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert cli.main(["stats", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)

    rows = [re.match(r"(\S+(?: \S+)*) {2,}(\S+)", line) for line in lines if not line.startswith(" ")]
    assert [row[1] for row in rows] == [
        "Procesos", "Cotizaciones", "Líneas cotizadas", "Proveedores", "Compradores", "Productos",
        "Total cotizado", "Montos de líneas", "Meses",
    ]  # fmt: skip
    assert [row[2] for row in rows] == ["4", "3", "4", "3", "2", "2", "$12.901", "$150", "2"]
    assert len({row.end(2) for row in rows}) == 1, "values are right-aligned in one column"
    assert lines[0].endswith("cot 3 · api 1") and lines[-1].endswith("2026-02 a 2026-03")
    assert lines[1].split() == [
        "por",
        "estado",
        "cerrada",
        "2",
        "·",
        "oc_emitida",
        "1",
        "·",
        "publicada",
        "1",
    ]
    assert document["quote_lines"] == 4 and document["quote_total_clp"] == 12900.75


def test_an_empty_database_has_nothing_to_show(capsys, monkeypatch):
    monkeypatch.setattr(cli, "configure_logging", lambda service: None)
    assert cli.main(["stats", "--json"]) == 0

    document = json.loads(capsys.readouterr().out)
    assert document["tenders"] == 0 and document["months"] == [] and document["first_month"] is None
    assert document["tenders_by_source"] == {"cot": 0, "api": 0}


def test_money_is_an_integer_when_whole_and_cents_otherwise():
    assert json_money(Decimal("1000.0000")) == 1000 and isinstance(json_money(Decimal("1000.0000")), int)
    assert json_money(Decimal("2500.5050")) == 2500.51
    assert json_money(Decimal("0")) == 0
