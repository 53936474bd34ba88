from decimal import Decimal

import pytest
from sqlalchemy import text

from compraagil.competition.service import buyer_profile, supplier_profile
from compraagil.db import get_engine, session_scope
from compraagil.errors import NotFound
from tests.factories import TODAY, rut


def buyer_id(unit_code: str) -> int:
    with get_engine().connect() as conn:
        return conn.execute(text("SELECT id FROM buyers WHERE unit_code = :u"), {"u": unit_code}).scalar_one()


def test_buyer_profile_counts_processes_spend_and_preferred_suppliers(history):
    with session_scope() as session:
        profile = buyer_profile(session=session, buyer_id=buyer_id("2345"), today=TODAY)
    with get_engine().connect() as conn:
        spend = conn.execute(
            text(
                "SELECT sum(q.total_clp) FROM quotes q JOIN buyers b ON b.id = q.buyer_id"
                " WHERE b.unit_code = '2345' AND q.winner"
            )
        ).scalar_one()
    assert profile.organismo == "Ilustre Municipalidad de Chillán"
    assert (profile.units, profile.region, profile.processes) == (1, 16, 14)
    assert Decimal(str(profile.spend)) == spend
    assert profile.average_quotes == 3.0
    assert profile.suppliers[0].name == "Proveedor 1 SpA" and profile.suppliers[0].count == 14
    assert {p.name for p in profile.products} == {
        "guantes de nitrilo talla m caja 100",
        "cloro líquido 5 litros",
    }


def test_supplier_profile_wins_regions_and_price_position(history):
    with session_scope() as session:
        cheapest = supplier_profile(session=session, rut=rut(76_100_000).replace(".", ""), today=TODAY)
        dearest = supplier_profile(session=session, rut=rut(76_100_002).replace(".", ""), today=TODAY)
    assert (cheapest.processes, cheapest.wins, dearest.wins) == (40, 40, 0)
    assert [(r.name, r.count) for r in cheapest.regions] == [("13", 26), ("16", 14)]
    assert cheapest.price_position < 0 < dearest.price_position


def test_unknown_profiles_are_not_found():
    with session_scope() as session, pytest.raises(NotFound):
        supplier_profile(session=session, rut="11111111-1", today=TODAY)
    with session_scope() as session, pytest.raises(NotFound):
        buyer_profile(session=session, buyer_id=999_999, today=TODAY)
