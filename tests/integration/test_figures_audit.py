"""Every figure the product shows, on processes with several lines, a quote whose one MontoTotal
covers two lines, and a supplier that quotes twice in one process: each figure is worked out by
hand below, so a total multiplied by its line count (or a quote counted once per line) fails."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text

from compraagil.competition.service import buyer_profile, supplier_profile
from compraagil.dashboard.service import home_figures
from compraagil.db import get_engine, session_scope
from compraagil.ingest.cot.importer import import_cot_file
from compraagil.pricing.service import PriceQuery, analyze_prices
from compraagil.tenders.service import get_tender
from tests.cot_files import header, row, write_csv

TODAY = date(2026, 4, 1)
X = {"RazonSocialProveedor": "Comercial Ñandú SpA", "RUTProveedor": "78.167.575-K"}
Y = {"RazonSocialProveedor": "Ferretería Lautaro Ltda.", "RUTProveedor": "76.086.428-5"}
BATTERY = {
    "ProductoCotizado": "Batería recargable AA",
    "CodigoProducto": "26111702",
    "CantidadSolicitada": "10",
}
CHARGER = {
    "ProductoCotizado": "Cargador de baterías",
    "CodigoProducto": "26111710",
    "CantidadSolicitada": "2",
}
A = {"CodigoCotizacion": "2345-10-COT26"}
B = {"CodigoCotizacion": "2345-11-COT26", "NombreCotizacion": "Baterías para bodega"}


@pytest.fixture
def market(tmp_path):
    """Process A: X quotes 50.000 for both lines (wins); Y sends two quotes, 13.000 for the
    batteries alone and 60.000 for both lines. Process B: Y alone, 20.000 for batteries (wins)."""
    lines = [
        header(),
        row(**A, **X, **BATTERY, MontoTotal="50000", ProveedorSeleccionado="si"),
        row(**A, **X, **CHARGER, MontoTotal="50000", ProveedorSeleccionado="si"),
        row(**A, **Y, **BATTERY, MontoTotal="13000", ProveedorSeleccionado="no"),
        row(**A, **Y, **BATTERY, MontoTotal="60000", ProveedorSeleccionado="no"),
        row(**A, **Y, **CHARGER, MontoTotal="60000", ProveedorSeleccionado="no"),
        row(**B, **Y, **BATTERY, MontoTotal="20000", ProveedorSeleccionado="si"),
    ]
    import_cot_file(write_csv(tmp_path / "market.csv", lines))


def buyer_id() -> int:
    with get_engine().connect() as conn:
        return conn.execute(text("SELECT id FROM buyers WHERE unit_code = '2345'")).scalar_one()


def test_buyer_spend_counts_each_winning_quote_once(market):
    with session_scope() as session:
        profile = buyer_profile(session=session, buyer_id=buyer_id(), today=TODAY)
    assert profile.spend == 70_000  # 50.000 (X in A) + 20.000 (Y in B); per line it would be 120.000
    assert profile.processes == 2
    assert profile.average_quotes == 1.5  # suppliers per process: 2 in A, 1 in B
    assert sorted((s.name, s.count, s.extra) for s in profile.suppliers) == [
        ("Comercial Ñandú SpA", 1, 50_000.0),
        ("Ferretería Lautaro Ltda.", 1, 20_000.0),
    ]


def test_supplier_counts_quotes_not_lines_and_its_awarded_total(market):
    with session_scope() as session:
        y = supplier_profile(session=session, rut="76086428-5", today=TODAY)
        x = supplier_profile(session=session, rut="78167575-K", today=TODAY)
    assert (y.quotes, y.processes, y.wins, y.awarded) == (3, 2, 1, 20_000)
    assert (x.quotes, x.processes, x.wins, x.awarded) == (1, 1, 1, 50_000)


def test_tender_page_shows_each_quotes_total_once_and_no_line_amount_copied(market):
    with session_scope() as session:
        tender = get_tender(session=session, codigo="2345-10-COT26")
    assert tender.quotes_received == 3
    assert [(i.name, i.quantity) for i in tender.items] == [
        ("Batería recargable AA", Decimal("10")),
        ("Cargador de baterías", Decimal("2")),
    ]
    quotes = [
        (
            q.supplier,
            q.quote_number,
            q.total_clp,
            q.winner,
            [(line.unit_price, line.amount) for line in q.lines],
        )
        for q in tender.quotes
    ]
    assert quotes == [
        ("Comercial Ñandú SpA", 1, Decimal("50000"), True, [(None, None), (None, None)]),
        ("Ferretería Lautaro Ltda.", 1, Decimal("13000"), False, [(Decimal("1300"), None)]),
        ("Ferretería Lautaro Ltda.", 2, Decimal("60000"), False, [(None, None), (None, None)]),
    ]


def test_price_analysis_uses_unit_prices_of_single_line_quotes_only(market):
    with session_scope() as session:
        analysis = analyze_prices(
            session=session, query=PriceQuery(product="batería recargable"), today=TODAY
        )
    assert analysis.all_quotes.n == 2  # 1.300 (Y alone in A) and 2.000 (Y in B); the rest have no unit price
    assert analysis.all_quotes.p50 == 1650
    assert (analysis.winning_quotes.n, analysis.winning_quotes.p50) == (1, 2000)


def test_home_counts_quotes(market):
    with session_scope() as session:
        assert home_figures(session=session).quotes_in_history == 4
