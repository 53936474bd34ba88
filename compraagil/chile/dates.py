"""Dates and times as Chileans read them (`dd-mm-aaaa`, America/Santiago)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

SANTIAGO = ZoneInfo("America/Santiago")
MONTH_ABBREVIATIONS = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic")
"""The RAE's abbreviations, lower case as es-CL writes them in running text."""


def to_santiago(moment: datetime) -> datetime:
    """The same instant in Chilean local time (naive values are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(SANTIAGO)


def add_months(day: date, count: int) -> date:
    """The first day of the month `count` months after `day`'s (before it when negative)."""
    index = day.year * 12 + day.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def format_date(day: date | datetime | None, *, missing: str = "—") -> str:
    """`28-11-2026`; a datetime is shown as its Santiago calendar day."""
    if day is None:
        return missing
    if isinstance(day, datetime):
        day = to_santiago(day).date()
    return day.strftime("%d-%m-%Y")


def month_label(month: str) -> str:
    """`2025-01` → `ene 2025`."""
    year, number = month.split("-")
    return f"{MONTH_ABBREVIATIONS[int(number) - 1]} {year}"


def format_datetime(moment: datetime | None, *, missing: str = "—") -> str:
    """`28-11-2026 15:00` in Santiago time."""
    if moment is None:
        return missing
    return to_santiago(moment).strftime("%d-%m-%Y %H:%M")


def parse_date(text: str) -> date:
    """Parse `2026-11-28`, `28-11-2026` or `28/11/2026`; raise ValueError otherwise."""
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"fecha no reconocida: «{text}»")


def closing_label(closes_at: datetime | None, now: datetime) -> tuple[str, str]:
    """How soon a tender closes, and its urgency colour: red under 24 h, amber under 48 h."""
    if closes_at is None:
        return "Sin fecha de cierre", "gray"
    remaining = (closes_at - now).total_seconds()
    if remaining <= 0:
        return f"Cerró el {format_date(closes_at)}", "gray"
    hours = remaining / 3600
    if hours < 1:
        text = f"Cierra en {max(1, int(remaining // 60))} min"
    elif hours < 48:
        whole = int(hours)
        text = f"Cierra en {whole} hora{'s' if whole != 1 else ''}"
    else:
        days = int(hours // 24)
        text = f"Cierra en {days} días"
    return text, "red" if hours < 24 else "amber" if hours < 48 else "gray"
