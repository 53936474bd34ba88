"""The win model on a generated history with the real shapes: features known before the closing
only (a later history changes no earlier row), the scoring snapshot computing the same features as
the training rows, a calibrated model better than chance, and the tender page's figures: a chance
that falls as the price rises, faithful reasons, the version — and an upsell, uncounted, on FREE."""

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import select, text

from compraagil.db import session_scope
from compraagil.ingest import demo
from compraagil.models import Company, QuotaRefusal
from compraagil.scoring import context
from compraagil.scoring.features import FEATURES, LABELS, TRAINING_SQL, label_of, training_rows
from compraagil.scoring.service import win_chance
from compraagil.scoring.training import train_and_keep
from tests.factories import account
from tests.integration.conftest import empty_everything

HISTORY_FEATURES = (
    "supplier_quotes",
    "supplier_win_rate",
    "supplier_buyer_quotes",
    "supplier_buyer_wins",
    "buyer_avg_quotes",
    "buyer_loyalty",
)


@pytest.fixture(scope="module")
def history(services):
    demo.seed(rows=24_000, seed=31, open_tenders=40, now=datetime.now(UTC))
    yield
    empty_everything()


@pytest.fixture(autouse=True)
def clean_state():
    """This module keeps its history across tests (it is slow to make): no per-test cleanup."""
    yield


def rows_at(session, as_of: date) -> dict:
    return {
        (row["closing_date"], row["tender_codigo"], row["supplier_id"], row["quote_number"]): row
        for row in session.execute(text(TRAINING_SQL), {"as_of": as_of}).mappings()
    }


def test_a_rows_features_do_not_change_with_what_happened_after_it(history):
    with session_scope() as session:
        dates = sorted({d for (d,) in session.execute(text("SELECT DISTINCT closing_date FROM quotes"))})
        middle = dates[len(dates) // 2]
        early, everything = rows_at(session, middle + timedelta(days=1)), rows_at(session, date(2999, 1, 1))
    assert early and len(everything) > len(early)
    for key, row in early.items():
        later = everything[key]
        changed = [name for name in FEATURES if row[name] != later[name]]
        assert not changed, (key, [(name, row[name], later[name]) for name in changed])


def test_the_scoring_snapshot_computes_the_training_rows_features(history):
    with session_scope() as session:
        day = session.execute(
            text("SELECT closing_date FROM quotes GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
        ).scalar_one()
        context.refresh(session, day)
        rows = [row for key, row in rows_at(session, date(2999, 1, 1)).items() if key[0] == day]
        checked = 0
        for row in rows[:40]:
            tender = session.execute(
                text("SELECT buyer_id FROM quotes WHERE tender_codigo = :c AND closing_date = :d LIMIT 1"),
                {"c": row["tender_codigo"], "d": day},
            ).scalar_one()
            now = context.context_for(
                session, supplier_id=row["supplier_id"], buyer_id=tender, budget=None, items=0
            )
            values = dict(
                zip(FEATURES, context.features_now(now, total_clp=1000.0, price_ratio=None), strict=True)
            )
            for name in HISTORY_FEATURES:
                expected = np.nan if row[name] is None else float(row[name])
                assert np.isclose(values[name], expected, equal_nan=True), (name, values[name], expected)
            checked += 1
        session.rollback()
    assert checked >= 10


def test_trained_model_is_calibrated_kept_and_scores_a_tender(history):
    row = train_and_keep()
    metrics = row.metrics
    assert metrics["auc"] > 0.65 and metrics["calibration_error"] < 0.08 and metrics["test_rows"] > 500
    assert date.fromisoformat(metrics["train_until"]) < date.fromisoformat(metrics["test_from"])
    user_id, company_id = account("pyme@ejemplo.cl", plan="PYME")
    with session_scope() as session:
        codigo = session.execute(
            text(
                "SELECT codigo FROM tenders WHERE state = 'publicada' AND amount_available > 0 AND buyer_id IN (SELECT buyer_id FROM win_buyer_stats) LIMIT 1"
            )
        ).scalar_one()
        chance = win_chance(session=session, company_id=company_id, codigo=codigo)
    assert chance.available and chance.version == row.version and 0 < chance.probability < 1
    chances = [p for _, p in chance.curve]
    assert chances[0] >= chances[-1] and len(chances) == 17
    assert chance.reasons and all(
        reason.label in {*LABELS.values(), label_of("mipyme", 0)} for reason in chance.reasons
    )
    assert all(abs(reason.points) >= 0.5 for reason in chance.reasons)
    assert chance.items, "the demo tender's items have price history"
    for item in chance.items:
        prices = [price for price, _ in item.curve]
        assert prices[0] < item.suggested_unit_price < prices[-1] and len(prices) == 17
        assert item.curve[0][1] >= item.curve[-1][1]
        if item.price_for_50 and item.price_for_70:
            assert item.price_for_70 <= item.price_for_50
    assert chance.rivals and all(0 <= rival.wins <= rival.quotes for rival in chance.rivals)
    assert [rival.quotes for rival in chance.rivals] == sorted(
        (rival.quotes for rival in chance.rivals), reverse=True
    )


def test_a_free_plan_is_offered_the_plan_and_nothing_is_counted(history):
    _, company_id = account("gratis@ejemplo.cl", plan="FREE")
    with session_scope() as session:
        codigo = session.execute(text("SELECT codigo FROM tenders LIMIT 1")).scalar_one()
        chance = win_chance(session=session, company_id=company_id, codigo=codigo)
        refusals = session.execute(select(QuotaRefusal).where(QuotaRefusal.company_id == company_id)).all()
        plan = session.get(Company, company_id).plan
    assert (
        not chance.available
        and chance.upsell
        and "Pyme" in chance.message
        and refusals == []
        and plan == "FREE"
    )


def test_training_rows_are_oldest_first(history):
    with session_scope() as session:
        rows = training_rows(session, date(2999, 1, 1))
    assert rows.closing_dates == sorted(rows.closing_dates) and len(rows.won) == len(rows.features)
