"""Pure alert rules: what an alert keeps and says, the digest's hour in Santiago (daylight saving
both ways), deadline reminders, and how notices group into one mail."""

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from compraagil.alerts.logic import (
    AlertInput,
    Channel,
    Frequency,
    NoticeLine,
    describe_filters,
    group_lines,
    is_digest_time,
    mail_body,
    mail_subject,
    next_digest_at,
    reminder_due,
)
from compraagil.chile.dates import SANTIAGO


def test_an_alert_keeps_the_search_text_cleaned_and_is_named_after_it():
    alert = AlertInput(text="  guantes   nitrilo ", region=16, min_amount=100_000)
    assert alert.text == "guantes nitrilo" and alert.name == "guantes nitrilo"
    assert alert.channels == [Channel.EMAIL, Channel.INBOX] and alert.frequency is Frequency.INSTANT


def test_an_alert_needs_words_or_a_filter_and_a_channel():
    with pytest.raises(ValidationError, match="al menos un filtro"):
        AlertInput(text="   ")
    with pytest.raises(ValidationError, match="al menos un canal"):
        AlertInput(text="resmas", channels=[])
    with pytest.raises(ValidationError, match="mínimo es mayor"):
        AlertInput(text="resmas", min_amount=10, max_amount=5)


def test_filters_in_words():
    alert = AlertInput(
        text="resmas carta", region=16, organismo="Chillán", min_amount=100_000, max_amount=2_000_000,
        closes_from=date(2026, 11, 1), closes_within_days=7,
    )  # fmt: skip
    assert describe_filters(alert) == (
        "«resmas carta» · Región de Ñuble · organismo «Chillán» · entre $100.000 y $2.000.000"
        " · cierra desde el 01-11-2026 · cierra en 7 días"
    )
    assert describe_filters(AlertInput(region=13)) == "Región Metropolitana de Santiago"
    assert AlertInput(max_amount=500_000).name == "hasta $500.000"


@pytest.mark.parametrize(
    ("utc", "due"),
    [
        (datetime(2026, 1, 15, 11, 0, tzinfo=UTC), True),  # summer, UTC-3: 08:00
        (datetime(2026, 1, 15, 12, 0, tzinfo=UTC), False),  # 09:00
        (datetime(2026, 7, 15, 12, 0, tzinfo=UTC), True),  # winter, UTC-4: 08:00
        (datetime(2026, 7, 15, 11, 0, tzinfo=UTC), False),  # 07:00
        (datetime(2026, 4, 5, 12, 0, tzinfo=UTC), True),  # the Sunday after clocks went back
        (datetime(2026, 9, 6, 11, 0, tzinfo=UTC), True),  # the Sunday after clocks went forward
        (datetime(2026, 9, 6, 12, 0, tzinfo=UTC), False),
    ],
)
def test_the_digest_hour_is_eight_in_santiago_whatever_the_offset(utc, due):
    assert is_digest_time(utc) is due


def test_the_next_digest_is_the_next_eight_oclock_in_santiago():
    assert next_digest_at(datetime(2026, 4, 4, 20, 0, tzinfo=SANTIAGO)) == datetime(
        2026, 4, 5, 8, tzinfo=SANTIAGO
    )
    assert next_digest_at(datetime(2026, 4, 5, 7, 59, tzinfo=SANTIAGO)).utcoffset() == timedelta(hours=-4)
    assert next_digest_at(datetime(2026, 9, 6, 9, 0, tzinfo=SANTIAGO)).utcoffset() == timedelta(hours=-3)


def test_reminders_at_48_and_24_hours():
    now = datetime(2026, 11, 2, 12, tzinfo=UTC)
    assert reminder_due(now + timedelta(hours=60), now) is None
    assert reminder_due(now + timedelta(hours=47), now) == "deadline_48h"
    assert reminder_due(now + timedelta(hours=24), now) == "deadline_24h"
    assert reminder_due(now + timedelta(minutes=5), now) == "deadline_24h"
    assert reminder_due(now - timedelta(minutes=5), now) is None
    assert reminder_due(None, now) is None


def _line(kind: str, heading: str, name: str) -> NoticeLine:
    return NoticeLine(
        kind, heading, name, "Municipalidad de Chillán", "$150.000", "Cierra en 3 días", f"http://x/{name}"
    )


def test_a_digest_groups_tenders_by_alert_with_reminders_first():
    lines = [
        _line("alert", "Guantes", "Guantes nitrilo M"),
        _line("alert", "Resmas", "Resmas carta"),
        _line("deadline_24h", "Cierra en menos de 24 horas", "Cloro gel"),
        _line("alert", "Guantes", "Guantes látex"),
    ]
    sections = group_lines(lines)
    assert [(s.heading, [line.tender_name for line in s.lines]) for s in sections] == [
        ("Cierra en menos de 24 horas", ["Cloro gel"]),
        ("Guantes", ["Guantes nitrilo M", "Guantes látex"]),
        ("Resmas", ["Resmas carta"]),
    ]
    assert mail_subject(lines) == "3 nuevas Compras Ágiles para tus alertas"
    body = mail_body(lines, alerts_url="http://x/alertas")
    assert (
        body.index("Cloro gel")
        < body.index("Guantes nitrilo M")
        < body.index("Guantes látex")
        < body.index("Resmas carta")
    )
    assert body.count("Guantes\n") == 1 and body.endswith("http://x/alertas")


def test_subjects_for_one_tender_and_for_reminders_only():
    assert (
        mail_subject([_line("alert", "Guantes", "Guantes nitrilo M")])
        == "Nueva Compra Ágil para «Guantes»: Guantes nitrilo M"
    )
    assert mail_subject([_line("deadline_48h", "x", "Cloro gel")]) == "Cierra pronto: Cloro gel"
