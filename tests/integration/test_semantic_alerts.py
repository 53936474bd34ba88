"""Semantic alerts with the real offline model: PYME and up only; seeded from the alert's text or the
products the company quoted; matched by meaning on newly embedded open tenders (with the alert's
filters, once each, never by the keyword matcher); a threshold that keeps a new alert from flooding;
and 👍/👎 that move the alert toward or away from what was judged."""

import json

import numpy as np
import pytest
from sqlalchemy import text

from compraagil.alerts import semantic
from compraagil.alerts import service as alert_service
from compraagil.alerts.matching import match_tenders
from compraagil.db import session_scope
from compraagil.embeddings.providers import LocalEmbedder
from compraagil.errors import InvalidInput, NotFound, QuotaExceeded
from tests.factories import (
    LATEX_RECORD,
    LETTER_PAPER_RECORD,
    NITRILE_RECORD,
    call,
    company_owner,
    embed,
    land,
    new_alert,
    record,
    rut,
)

NOTEBOOK = record("3201-1-COT26", "Notebook 14 pulgadas 8 GB RAM 256 GB SSD")
FAR_NITRILE = record("3201-2-COT26", "Guantes de nitrilo desechables talla L", region=8)
OPEN_TENDERS = (NITRILE_RECORD, LATEX_RECORD, LETTER_PAPER_RECORD, NOTEBOOK, FAR_NITRILE)
GLOVES_SUPPLIER = rut(76_100_000)
"""The supplier of `gloves_history` that quoted gloves and cloro every fortnight."""


def match() -> int:
    with session_scope() as session:
        return semantic.match_new_tenders(session=session, embedder=LocalEmbedder())


def noticed(user_id: int) -> dict[str, int]:
    """The codigos in the user's inbox → notice id."""
    return {entry.codigo: entry.id for entry in call(alert_service.inbox, user_id=user_id)}


def similarity_to(alert_id: int, codigo: str) -> float:
    with session_scope() as session:
        return session.execute(
            text(
                "SELECT 1 - (v.vector <=> e.embedding) FROM alert_vectors v, tender_vectors e"
                " JOIN tenders t ON t.id = e.tender_id WHERE v.alert_id = :alert_id AND t.codigo = :codigo"
            ),
            {"alert_id": alert_id, "codigo": codigo},
        ).scalar_one()


def test_only_pyme_and_up_watch_by_meaning(services):
    free, _ = company_owner("free@example.cl", plan="EMPRENDEDOR")
    with pytest.raises(QuotaExceeded):
        new_alert(free, text="insumos médicos", semantic=True)
    pyme, _ = company_owner("pyme@example.cl", plan="PYME")
    assert new_alert(pyme, text="insumos médicos", semantic=True).semantic


def test_an_alert_without_text_is_seeded_from_what_the_company_quoted(services, history):
    owner, _ = company_owner("guantes@example.cl", rut=GLOVES_SUPPLIER, plan="PYME")
    alert = new_alert(owner, semantic=True)
    assert alert.seeded_from == "2 productos que tu empresa cotizó en el último año"
    assert alert.filters == "Por significado: lo que tu empresa cotiza"
    land(*OPEN_TENDERS)
    embed()
    assert match() > 0
    found = noticed(owner)
    assert {NITRILE_RECORD["codigo"], FAR_NITRILE["codigo"]} <= set(found)
    assert not {LETTER_PAPER_RECORD["codigo"], NOTEBOOK["codigo"]} & set(found)
    assert match() == 0, "each tender once"


def test_nothing_to_seed_from_is_said_plainly(services):
    owner, _ = company_owner("nuevo@example.cl", plan="PYME")
    with pytest.raises(InvalidInput, match="registra el RUT"):
        new_alert(owner, semantic=True)


def test_the_alerts_filters_apply_and_the_keyword_matcher_leaves_it_alone(services):
    owner, _ = company_owner("region@example.cl", plan="PYME")
    new_alert(owner, text="guantes de nitrilo", semantic=True, region=16)
    land(*OPEN_TENDERS)
    with session_scope() as session:
        ids = list(session.execute(text("SELECT id FROM tenders")).scalars())
        assert match_tenders(session=session, tender_ids=ids) == 0, "words never match a semantic alert"
    embed()
    match()
    found = noticed(owner)
    assert NITRILE_RECORD["codigo"] in found
    assert FAR_NITRILE["codigo"] not in found, "another region"


def test_a_new_alert_is_not_flooded(services):
    owner, _ = company_owner("muchos@example.cl", plan="PYME")
    cap = semantic.DAILY_CAP * semantic.CALIBRATION_DAYS
    land(*[record(f"3301-{n}-COT26", f"Guantes de nitrilo talla M lote {n}") for n in range(cap + 30)])
    embed()
    alert = new_alert(owner, text="guantes de nitrilo talla M", semantic=True)
    with session_scope() as session:
        threshold = session.execute(
            text("SELECT threshold FROM alert_vectors WHERE alert_id = :id"), {"id": alert.id}
        ).scalar_one()
    assert threshold > semantic.FLOOR
    assert match() <= cap


def test_feedback_moves_the_alert_toward_what_helped_and_away_from_what_did_not(services):
    owner, _ = company_owner("aprende@example.cl", plan="PYME")
    alert = new_alert(owner, text="guantes", semantic=True)
    land(*OPEN_TENDERS)
    embed()
    match()
    found = noticed(owner)
    assert {NITRILE_RECORD["codigo"], LATEX_RECORD["codigo"]} <= set(found)
    nitrile, latex = (
        similarity_to(alert.id, NITRILE_RECORD["codigo"]),
        similarity_to(alert.id, LATEX_RECORD["codigo"]),
    )

    message = call(semantic.judge, user_id=owner, notice_id=found[LATEX_RECORD["codigo"]], useful=False)
    assert "menos" in message
    assert similarity_to(alert.id, LATEX_RECORD["codigo"]) < latex
    call(semantic.judge, user_id=owner, notice_id=found[NITRILE_RECORD["codigo"]], useful=True)
    assert similarity_to(alert.id, NITRILE_RECORD["codigo"]) > nitrile
    entries = {entry.codigo: entry for entry in call(alert_service.inbox, user_id=owner)}
    assert entries[LATEX_RECORD["codigo"]].learns and entries[LATEX_RECORD["codigo"]].useful is False

    with session_scope() as session:
        vector = session.execute(
            text("SELECT vector::text FROM alert_vectors WHERE alert_id = :id"), {"id": alert.id}
        ).scalar_one()
    assert abs(np.linalg.norm(json.loads(vector)) - 1) < 1e-3, "still a unit vector"

    stranger, _ = company_owner("otro@example.cl", plan="PYME")
    with pytest.raises(NotFound):
        call(semantic.judge, user_id=stranger, notice_id=found[NITRILE_RECORD["codigo"]], useful=False)
