from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from compraagil.chile.dates import format_date, format_datetime, month_label, parse_date
from compraagil.chile.money import format_clp, format_count, round_clp
from compraagil.chile.regions import REGIONS, region_name, region_number


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (1234567, "$1.234.567"),
        (0, "$0"),
        (999, "$999"),
        (Decimal("1000.5"), "$1.001"),
        (Decimal("1000.49"), "$1.000"),
        (-4990, "-$4.990"),
        (19990.0, "$19.990"),
    ],
)
def test_format_clp(amount, text):
    assert format_clp(amount) == text


def test_format_clp_missing_and_count():
    assert format_clp(None) == "—"
    assert format_count(10_600_000) == "10.600.000"
    assert round_clp(Decimal("2.5")) == 3


def test_dates_in_santiago_time():
    assert format_date(date(2026, 11, 28)) == "28-11-2026"
    # 02:30 UTC on the 29th is still 23:30 on the 28th in Santiago (UTC-3 in summer)
    late = datetime(2026, 11, 29, 2, 30, tzinfo=UTC)
    assert format_date(late) == "28-11-2026"
    assert format_datetime(datetime(2026, 11, 28, 18, 0, tzinfo=UTC)) == "28-11-2026 15:00"
    assert format_datetime(datetime(2026, 7, 1, 16, 0, tzinfo=UTC)) == "01-07-2026 12:00"


@pytest.mark.parametrize("text", ["2026-11-28", "28-11-2026", "28/11/2026"])
def test_parse_date_three_forms(text):
    assert parse_date(text) == date(2026, 11, 28)


def test_parse_date_rejects_other_forms():
    with pytest.raises(ValueError, match="no reconocida"):
        parse_date("11/28/2026")


def test_regions():
    assert len(REGIONS) == 16
    assert region_name(16) == "Región de Ñuble"
    assert region_name(13) == "Región Metropolitana de Santiago"
    assert region_number("Región de Ñuble") == 16
    assert region_number("REGION DE NUBLE") == 16
    assert region_number("Región del Bío-Bío") == 8
    assert region_number("Región Metropolitana") == 13
    assert region_number("Región de Los Ríos") == 14
    assert region_number("Región de Los Lagos") == 10
    assert region_number("Región de Aysén del Gral. Carlos Ibáñez del Campo") == 11
    assert region_number("Marte") is None
    with pytest.raises(KeyError):
        region_name(17)


def test_closing_label_urgency():
    from datetime import timedelta

    from compraagil.chile.dates import closing_label

    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert closing_label(now + timedelta(minutes=20), now) == ("Cierra en 20 min", "red")
    assert closing_label(now + timedelta(hours=5), now) == ("Cierra en 5 horas", "red")
    assert closing_label(now + timedelta(hours=1, minutes=5), now) == ("Cierra en 1 hora", "red")
    assert closing_label(now + timedelta(hours=30), now) == ("Cierra en 30 horas", "amber")
    assert closing_label(now + timedelta(days=4, hours=2), now) == ("Cierra en 4 días", "gray")
    assert closing_label(now - timedelta(days=1), now) == ("Cerró el 27-11-2026", "gray")
    assert closing_label(None, now) == ("Sin fecha de cierre", "gray")


def test_format_quantity():
    from compraagil.chile.money import format_quantity

    assert format_quantity(Decimal("20.0000")) == "20"
    assert format_quantity(Decimal("1234.5000")) == "1.234,5"
    assert format_quantity(None) == "—"
    assert format_quantity(3) == "3"


def test_month_labels_are_spanish():
    assert [month_label(f"2025-{n:02d}") for n in (1, 9, 12)] == ["ene 2025", "sept 2025", "dic 2025"]
