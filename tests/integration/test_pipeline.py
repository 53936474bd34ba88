"""The pipeline on a real database: save, edit, move, remove; the plan's cap; companies kept apart;
cards moved by themselves when a COT import shows the outcome, a person's choice left alone."""

from datetime import date

import pytest

from compraagil import after_import
from compraagil.db import session_scope
from compraagil.errors import InvalidInput, NotFound, QuotaExceeded
from compraagil.models import Company
from compraagil.pipeline import service
from jobs.tasks.pipeline import register_after_import
from tests.factories import LOST, ME, MINE, WON, Y, call, company_owner, cot_history, quote


@pytest.fixture
def steps(monkeypatch):
    """The worker's «after import» steps, registered for this test only."""
    monkeypatch.setattr(after_import, "_steps", [])
    register_after_import()


def test_save_edit_move_and_remove(tmp_path):
    cot_history(tmp_path, "open.csv", [quote(WON, Y, "1000")])
    user, company = company_owner("ana@nandu.cl")
    card = call(service.save_tender, user_id=user, company_id=company, codigo=WON)
    assert (card.codigo, card.name, card.status, card.organismo) == (
        WON,
        f"Baterías {WON}",
        "evaluando",
        "Ilustre Municipalidad de Chillán",
    )
    again = call(service.save_tender, user_id=user, company_id=company, codigo=WON)
    assert again.id == card.id
    edited = call(
        service.edit_item,
        user_id=user,
        company_id=company,
        item_id=card.id,
        quoted_amount=125_000,
        notes=" llamar a Sofía ",
        remind_on=date(2026, 3, 4),
    )
    assert (edited.quoted_amount, edited.notes, edited.remind_on) == (
        125_000,
        "llamar a Sofía",
        date(2026, 3, 4),
    )
    moved = call(service.move_item, user_id=user, company_id=company, item_id=card.id, status="cotizada")
    assert (moved.status, moved.moved_by_outcome) == ("cotizada", False)
    with pytest.raises(InvalidInput):
        call(service.move_item, user_id=user, company_id=company, item_id=card.id, status="archivada")
    with pytest.raises(NotFound):
        call(service.save_tender, user_id=user, company_id=company, codigo="9999-9-COT26")
    call(service.remove_item, user_id=user, company_id=company, item_id=card.id)
    assert call(service.list_items, user_id=user, company_id=company) == []


def test_the_plans_cap_counts_active_items(tmp_path):
    codigos = [f"2345-{n}-COT26" for n in range(1, 12)]
    cot_history(tmp_path, "many.csv", [quote(codigo, Y, "1000") for codigo in codigos])
    user, company = company_owner("ana@nandu.cl")
    cards = [call(service.save_tender, user_id=user, company_id=company, codigo=c) for c in codigos[:10]]
    assert call(service.usage, user_id=user, company_id=company) == service.Usage(10, 10)
    with pytest.raises(QuotaExceeded, match="Emprendedor"):
        call(service.save_tender, user_id=user, company_id=company, codigo=codigos[10])
    call(service.move_item, user_id=user, company_id=company, item_id=cards[0].id, status="descartada")
    call(service.save_tender, user_id=user, company_id=company, codigo=codigos[10])
    with pytest.raises(QuotaExceeded):
        call(service.move_item, user_id=user, company_id=company, item_id=cards[0].id, status="evaluando")
    with session_scope() as session:
        session.get(Company, company).plan = "EMPRENDEDOR"
    call(service.move_item, user_id=user, company_id=company, item_id=cards[0].id, status="evaluando")
    assert call(service.usage, user_id=user, company_id=company) == service.Usage(11, 50)


def test_companies_are_kept_apart(tmp_path):
    cot_history(tmp_path, "open.csv", [quote(WON, Y, "1000")])
    ana, nandu = company_owner("ana@nandu.cl")
    luis, lautaro = company_owner("luis@lautaro.cl")
    card = call(service.save_tender, user_id=ana, company_id=nandu, codigo=WON)
    assert call(service.list_items, user_id=luis, company_id=lautaro) == []
    with pytest.raises(NotFound):
        call(service.list_items, user_id=luis, company_id=nandu)
    with pytest.raises(NotFound):
        call(service.save_tender, user_id=luis, company_id=nandu, codigo=WON)
    for function, extra in (
        (service.move_item, {"status": "descartada"}),
        (service.edit_item, {"quoted_amount": 1, "notes": "", "remind_on": None}),
        (service.remove_item, {}),
    ):
        with pytest.raises(NotFound):
            call(function, user_id=luis, company_id=lautaro, item_id=card.id, **extra)
    assert [c.status for c in call(service.list_items, user_id=ana, company_id=nandu)] == ["evaluando"]


def test_an_import_moves_cards_by_itself_but_never_a_persons_choice(tmp_path, steps):
    cot_history(
        tmp_path,
        "open.csv",
        [quote(WON, ME, "50000"), quote(WON, Y, "60000"), quote(LOST, ME, "103000"), quote(LOST, Y, "100000")]
        + [quote(MINE, ME, "20000"), quote(MINE, Y, "25000")],
    )
    user, company = company_owner("ana@nandu.cl", rut="78.167.575-K")
    cards = {
        c: call(service.save_tender, user_id=user, company_id=company, codigo=c) for c in (WON, LOST, MINE)
    }
    call(service.move_item, user_id=user, company_id=company, item_id=cards[MINE].id, status="perdida")
    cot_history(
        tmp_path,
        "awarded.csv",
        [quote(WON, ME, "50000", True), quote(WON, Y, "60000"), quote(LOST, ME, "103000")]
        + [quote(LOST, Y, "100000", True), quote(MINE, ME, "20000", True), quote(MINE, Y, "25000")],
    )
    after = {c.codigo: c for c in call(service.list_items, user_id=user, company_id=company)}
    assert (after[WON].status, after[WON].moved_by_outcome, after[WON].outcome_note) == (
        "ganada",
        True,
        "Movida automáticamente: ganó Comercial Ñandú SpA",
    )
    assert (after[LOST].status, after[LOST].outcome_note) == (
        "perdida",
        "Movida automáticamente: ganó Ferretería Lautaro Ltda.",
    )
    assert (after[MINE].status, after[MINE].moved_by_outcome) == ("perdida", False)


def test_no_outcome_for_a_process_the_company_did_not_quote(tmp_path, steps):
    cot_history(tmp_path, "open.csv", [quote(WON, Y, "60000")])
    user, company = company_owner("ana@nandu.cl", rut="78.167.575-K")
    call(service.save_tender, user_id=user, company_id=company, codigo=WON)
    cot_history(tmp_path, "awarded.csv", [quote(WON, Y, "60000", True)])
    [card] = call(service.list_items, user_id=user, company_id=company)
    assert card.status == "evaluando"
