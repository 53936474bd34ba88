"""Month arithmetic, in one place: the first day of a month some months away."""

from datetime import date

from compraagil.chile.dates import add_months


def test_months_forward_and_back_across_years():
    assert add_months(date(2026, 12, 6), 1) == date(2027, 1, 1)
    assert add_months(date(2026, 1, 31), -1) == date(2025, 12, 1)
    assert add_months(date(2026, 3, 15), -15) == date(2024, 12, 1)
    assert add_months(date(2026, 2, 28), 0) == date(2026, 2, 1)
