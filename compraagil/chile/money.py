"""CLP amounts as Chileans write them: `$1.234.567`, no decimals."""

from decimal import ROUND_HALF_UP, Decimal

IVA_RATE = Decimal("0.19")


def round_clp(amount: Decimal | int | float) -> int:
    """Round to whole pesos, halves away from zero."""
    return int(Decimal(str(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_clp(amount: Decimal | int | float | None, *, missing: str = "—") -> str:
    """`1234567` → `$1.234.567`; negatives as `-$1.234`; None → `missing`."""
    if amount is None:
        return missing
    pesos = round_clp(amount)
    sign = "-" if pesos < 0 else ""
    return f"{sign}${abs(pesos):,}".replace(",", ".")


def format_count(number: int) -> str:
    """A plain count with thousands dots: `10.600.000`."""
    return f"{number:,}".replace(",", ".")


def format_quantity(value: Decimal | int | float | None, *, missing: str = "—") -> str:
    """A quantity as Chileans write it: `1.234,5`; whole numbers without decimals."""
    if value is None:
        return missing
    text = f"{Decimal(str(value)).normalize():,f}"
    whole, _, fraction = text.partition(".")
    whole = whole.replace(",", ".")
    return f"{whole},{fraction}" if fraction else whole
