"""Pipeline rules: statuses, what the history's outcome may overwrite, filters and amounts."""

from datetime import UTC, date, datetime, timedelta

import pytest

from compraagil.errors import InvalidInput
from compraagil.pipeline.logic import (
    STATUSES,
    Filters,
    Outcome,
    check_status,
    is_active,
    matches,
    outcome_may_move,
    outcome_status,
    parse_amount,
    reminder_due,
    usage_label,
)

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def test_the_five_statuses_and_only_those():
    assert STATUSES == ("evaluando", "cotizada", "ganada", "perdida", "descartada")
    assert check_status("cotizada") == "cotizada"
    with pytest.raises(InvalidInput):
        check_status("archivada")


def test_only_descartada_leaves_the_cap():
    assert [is_active(s) for s in STATUSES] == [True, True, True, True, False]


@pytest.mark.parametrize(
    ("status", "set_by", "may"),
    [
        ("evaluando", "person", True),
        ("cotizada", "person", True),
        ("ganada", "person", False),
        ("perdida", "person", False),
        ("descartada", "person", False),
        ("ganada", "outcome", True),
        ("perdida", "outcome", True),
    ],
)
def test_the_outcome_never_overwrites_a_persons_final_choice(status, set_by, may):
    assert outcome_may_move(status, set_by) is may


def test_the_outcome_says_who_won():
    assert outcome_status(Outcome(won=True, winner_name="Comercial Ñandú SpA")) == (
        "ganada",
        "Movida automáticamente: ganó Comercial Ñandú SpA",
    )
    assert outcome_status(Outcome(won=False, winner_name="")) == (
        "perdida",
        "Movida automáticamente: ganó otro proveedor",
    )


def test_amounts_as_people_type_them():
    assert parse_amount("1.250.000") == 1_250_000
    assert parse_amount(" $ 990 ") == 990
    assert parse_amount("") is None
    with pytest.raises(InvalidInput):
        parse_amount("mil")
    with pytest.raises(InvalidInput):
        parse_amount("-5")


def test_filters():
    soon, later = NOW + timedelta(days=1), NOW + timedelta(days=10)
    item = {"status": "evaluando", "closes_at": soon, "searchable": "Baterías para radios 2345-1-COT26"}
    assert matches(Filters(), now=NOW, **item)
    assert matches(Filters(status="evaluando", closing_within_days=2, text="RADIOS"), now=NOW, **item)
    assert not matches(Filters(status="cotizada"), now=NOW, **item)
    assert not matches(Filters(closing_within_days=2), now=NOW, **{**item, "closes_at": later})
    assert not matches(Filters(closing_within_days=2), now=NOW, **{**item, "closes_at": None})
    assert not matches(Filters(text="linternas"), now=NOW, **item)


def test_usage_and_reminders():
    assert usage_label(12, 50) == "12 de 50 guardadas"
    assert usage_label(3, None) == "3 guardadas"
    assert reminder_due(date(2026, 3, 2), date(2026, 3, 2))
    assert not reminder_due(date(2026, 3, 3), date(2026, 3, 2))
    assert not reminder_due(None, date(2026, 3, 2))
