"""Every requested item priced: a tender asking for gloves, chlorine and garbage bags gets, for each,
the suggested unit price the price analysis gives that product (in whole pesos), times its quantity; the total
adds the known subtotals; an item without history is said to have none. The whole tender counts as
one price analysis of the plan."""

import copy
from decimal import Decimal

import pytest

from compraagil.db import session_scope
from compraagil.errors import QuotaExceeded
from compraagil.ingest.api_v2.files import import_records
from compraagil.models import User
from compraagil.pricing.quote_guidance import NO_DATA, guide_tender, metered_tender_guidance
from compraagil.tenders.service import get_tender
from tests.factories import GLOVES_PRODUCT, TODAY, analyze, record, user_account

CODIGO = "2002-7-COT26"
ASKED = [
    (GLOVES_PRODUCT, 4, "Caja"),
    ("Cloro líquido 5 litros", 10, "Bidón"),
    ("Bolsas de basura negras", 20, "Paquete"),
]


@pytest.fixture
def tender(history):
    asking = copy.deepcopy(record(CODIGO, "Insumos de aseo y guantes"))
    asking["productos_solicitados"] = [
        {
            "codigo_producto": 0,
            "nombre": name,
            "descripcion": name,
            "cantidad": quantity,
            "unidad_medida": unit,
        }
        for name, quantity, unit in ASKED
    ]
    import_records([asking], source="test")
    with session_scope() as session:
        return get_tender(session=session, codigo=CODIGO)


def test_each_item_is_priced_by_its_own_history_and_the_total_adds_them(tender):
    with session_scope() as session:
        guidance = guide_tender(session=session, detail=tender, today=TODAY)
    quote = guidance.quote
    assert [item.product for item in quote.items] == [name for name, _, _ in ASKED]
    for item, (name, quantity, unit) in zip(quote.items[:2], ASKED, strict=False):
        expected = analyze(product=name, buyer_id=tender.buyer_id, region=tender.region, narrow=False)
        assert expected.suggested_price is not None
        assert item.suggested_unit_price == round(expected.suggested_price)
        assert item.quantity == Decimal(quantity) and item.unit == unit
        assert item.subtotal == quantity * round(expected.suggested_price)
        assert item.confidence == expected.confidence
    bags = quote.items[2]
    assert bags.suggested_unit_price is None and bags.subtotal is None and bags.confidence == NO_DATA
    assert quote.total == pytest.approx(quote.items[0].subtotal + quote.items[1].subtotal)
    assert quote.unpriced == 1 and quote.left_out == 0 and not quote.complete
    assert guidance.first.query.product == GLOVES_PRODUCT


def test_a_whole_tender_counts_as_one_analysis_of_the_plan(tender):
    user_id = user_account("ana@aseo.cl", plan="FREE")
    with session_scope() as session:
        company_id = session.get_one(User, user_id).company_id
    for _ in range(2):
        with session_scope() as session:
            guidance = metered_tender_guidance(session=session, company_id=company_id, codigo=CODIGO)
        assert len(guidance.quote.items) == 3
    with session_scope() as session, pytest.raises(QuotaExceeded):
        metered_tender_guidance(session=session, company_id=company_id, codigo=CODIGO)
