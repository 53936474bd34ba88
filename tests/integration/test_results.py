"""«Mis resultados» on a hand-built COT history: every rank, gap and median below is worked out by hand.

The company is Comercial Ñandú (ME). Processes, all closing in March 2026 (10 units asked for):
- WON: ME 50.000 (wins), Y 60.000, Z 55.000 → 1.º de 3.
- LOST3: Y 100.000 (wins), ME 103.000, Z 110.000 → 2.º de 3, +$3.000, +3,0 %.
- LOST20 (another organismo; two lines, batteries and chargers, under one total): Z 200.000 (wins),
  ME 240.000 → 2.º de 2, +$40.000, +20,0 %.
- TWO: Y 30.000 (wins); ME sends 45.000 (quote 1) and 31.200 (quote 2) → 3.º and 2.º de 3,
  +$15.000 (+50,0 %) and +$1.200 (+4,0 %).
- DESIERTA: ME 20.000, Y 18.000, nobody selected → 2.º de 2, no gap.
Unit prices (single-line quotes: total ÷ 10) of batteries that month: 5.000 6.000 5.500 · 10.000 10.300
11.000 · 3.000 4.500 3.120 · 2.000 1.800 → the median is 5.000.
"""

from datetime import date
from decimal import Decimal as D

import pytest

from compraagil.accounts.companies import update_company
from compraagil.accounts.demo import create_account
from compraagil.db import session_scope
from compraagil.ingest.cot.importer import import_cot_file
from compraagil.results.logic import Outcome
from compraagil.results.service import my_results
from tests.cot_files import header, row, write_csv

TODAY = date(2026, 4, 1)
ME = {"RazonSocialProveedor": "Comercial Ñandú SpA", "RUTProveedor": "78.167.575-K"}
Y = {"RazonSocialProveedor": "Ferretería Lautaro Ltda.", "RUTProveedor": "76.086.428-5"}
Z = {"RazonSocialProveedor": "Distribuidora Itata SpA", "RUTProveedor": "77.123.456-9"}
BATTERY = {"ProductoCotizado": "Batería recargable AA", "CodigoProducto": "26111702"}
CHARGER = {"ProductoCotizado": "Cargador de baterías", "CodigoProducto": "26111710"}
HOSPITAL = {
    "NombreOOPP": "Hospital Clínico Herminda Martín",
    "RazonSocialUnidaddeCompra": "Hospital Clínico Herminda Martín",
    "CodigoUnidaddeCompra": "9876",
    "RUTUnidaddeCompra": "61.602.123-0",
}
MUNICIPALIDAD = "Ilustre Municipalidad de Chillán"
PRODUCT_NAME = "batería recargable aa"  # the product dictionary keeps names normalised


def cot(codigo: str, name: str, **fields: str) -> dict:
    return {"CodigoCotizacion": codigo, "NombreCotizacion": name, **fields}


WON = cot("2345-1-COT26", "Baterías para radios")
LOST3 = cot("2345-2-COT26", "Baterías para bodega")
LOST20 = cot("9876-3-COT26", "Baterías y cargadores", **HOSPITAL)
TWO = cot("2345-4-COT26", "Baterías de respaldo")
DESIERTA = cot("2345-5-COT26", "Baterías para linternas", Estado="Desierta", CodigoOC="NA", EstadoOC="NA")


def quote(process: dict, supplier: dict, total: str, won: bool, product: dict = BATTERY) -> str:
    return row(
        **process, **supplier, **product, MontoTotal=total, ProveedorSeleccionado="si" if won else "no"
    )


@pytest.fixture
def history(tmp_path):
    lines = [
        header(),
        quote(WON, ME, "50000", True),
        quote(WON, Y, "60000", False),
        quote(WON, Z, "55000", False),
        quote(LOST3, Y, "100000", True),
        quote(LOST3, ME, "103000", False),
        quote(LOST3, Z, "110000", False),
        quote(LOST20, Z, "200000", True),
        quote(LOST20, Z, "200000", True, CHARGER),
        quote(LOST20, ME, "240000", False),
        quote(LOST20, ME, "240000", False, CHARGER),
        quote(TWO, Y, "30000", True),
        quote(TWO, ME, "45000", False),
        quote(TWO, ME, "31200", False),
        quote(DESIERTA, ME, "20000", False),
        quote(DESIERTA, Y, "18000", False),
    ]
    import_cot_file(write_csv(tmp_path / "history.csv", lines))


def company(email: str, rut: str) -> int:
    """A new company (its id) whose owner saved `rut` on the Cuenta page."""
    with session_scope() as session:
        user = create_account(
            session=session, email=email, password="pilas-y-cargadores-26", plan="FREE", company=email
        )
        update_company(session=session, user_id=user.id, company_id=user.company_id, name=email, rut=rut)
        return user.company_id


def results(company_id: int, months: int = 24):
    with session_scope() as session:
        return my_results(session=session, company_id=company_id, today=TODAY, months=months)


def test_every_rank_gap_and_outcome(history):
    mine = results(company("ana@nandu.cl", "78.167.575-K"))
    assert (mine.rut, mine.supplier_name) == ("78.167.575-K", "Comercial Ñandú SpA")
    rows = {(r.codigo, r.quote_number): r for r in mine.rows}
    expected = {
        (WON["CodigoCotizacion"], 1): (Outcome.WON, True, 1, 3, D(50000), D(50000), D(0), D(0)),
        (LOST3["CodigoCotizacion"], 1): (Outcome.LOST, False, 2, 3, D(103000), D(100000), D(3000), D(3)),
        (LOST20["CodigoCotizacion"], 1): (Outcome.LOST, False, 2, 2, D(240000), D(200000), D(40000), D(20)),
        (TWO["CodigoCotizacion"], 1): (Outcome.LOST, False, 3, 3, D(45000), D(30000), D(15000), D(50)),
        (TWO["CodigoCotizacion"], 2): (Outcome.LOST, False, 2, 3, D(31200), D(30000), D(1200), D(4)),
        (DESIERTA["CodigoCotizacion"], 1): (Outcome.DESERTED, False, 2, 2, D(20000), None, None, None),
    }
    assert {
        key: (r.outcome, r.winning, r.rank, r.ranked, r.total_clp, r.winner_total_clp, r.gap_clp, r.gap_pct)
        for key, r in rows.items()
    } == expected
    assert rows[(TWO["CodigoCotizacion"], 2)].my_quotes == 2
    assert rows[(LOST3["CodigoCotizacion"], 1)].winner_name == "Ferretería Lautaro Ltda."
    assert rows[(LOST20["CodigoCotizacion"], 1)].organismo == "Hospital Clínico Herminda Martín"
    assert rows[(WON["CodigoCotizacion"], 1)].name == "Baterías para radios"


def test_unit_prices_against_the_months_median(history):
    rows = {(r.codigo, r.quote_number): r for r in results(company("ana@nandu.cl", "78167575-K")).rows}
    [won] = rows[(WON["CodigoCotizacion"], 1)].lines
    assert (won.product, won.unit_price, won.market_median, won.vs_median_pct) == (
        PRODUCT_NAME,
        D(5000),
        D(5000),
        D(0),
    )
    [lost] = rows[(LOST3["CodigoCotizacion"], 1)].lines
    assert (lost.unit_price, lost.market_median, lost.vs_median_pct) == (D(10300), D(5000), D(106))
    multi = rows[(LOST20["CodigoCotizacion"], 1)].lines
    assert len(multi) == 2 and all(x.unit_price is None and x.vs_median_pct is None for x in multi)


def test_summaries(history):
    summary = results(company("ana@nandu.cl", "78167575-K")).summary
    assert (summary.processes, summary.won, summary.lost, summary.deserted, summary.unawarded) == (
        5,
        1,
        3,
        1,
        0,
    )
    assert summary.win_rate == D(1) / D(4)
    assert [(r.codigo, r.quote_number, r.gap_pct) for r in summary.close_losses] == [
        (LOST3["CodigoCotizacion"], 1, D(3)),
        (TWO["CodigoCotizacion"], 2, D(4)),
    ]
    assert summary.cheaper_losses == 0
    assert [(r.name, r.times, r.median_gap_pct, r.median_gap_clp) for r in summary.rivals] == [
        ("Ferretería Lautaro Ltda.", 2, D("3.5"), D(2100)),
        ("Distribuidora Itata SpA", 1, D(20), D(40000)),
    ]
    assert [(r.won, r.decided) for r in summary.by_product] == [(1, 4), (0, 1)]
    assert [(r.name, r.won, r.decided) for r in summary.by_buyer] == [
        (MUNICIPALIDAD, 1, 3),
        ("Hospital Clínico Herminda Martín", 0, 1),
    ]


def test_each_company_sees_only_its_own_rut(history):
    mine = results(company("ana@nandu.cl", "78167575-K"))
    theirs = results(company("luis@lautaro.cl", "76.086.428-5"))
    assert {r.codigo for r in theirs.rows} == {
        WON["CodigoCotizacion"],
        LOST3["CodigoCotizacion"],
        TWO["CodigoCotizacion"],
        DESIERTA["CodigoCotizacion"],
    }
    assert theirs.summary.won == 2 and mine.summary.won == 1
    assert theirs.supplier_name == "Ferretería Lautaro Ltda."


def test_no_rut_and_a_rut_that_never_quoted_are_empty(history):
    with session_scope() as session:
        company_id = create_account(
            session=session, email="sin@rut.cl", password="pilas-y-cargadores-26", plan="FREE", company=""
        ).company_id
    no_rut = results(company_id)
    never = results(company("otra@empresa.cl", "76.543.210-3"))
    assert (no_rut.rut, no_rut.rows, no_rut.summary.processes) == ("", [], 0)
    assert (never.rut, never.supplier_name, never.rows) == ("76.543.210-3", "", [])


def test_the_window_leaves_out_older_processes(history):
    company_id = company("ana@nandu.cl", "78167575-K")
    assert len(results(company_id, months=6).rows) == 6
    with session_scope() as session:
        later = my_results(session=session, company_id=company_id, today=date(2027, 1, 1), months=6)
    assert later.rows == []
