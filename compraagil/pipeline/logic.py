"""Pipeline rules on plain data: statuses, who may overwrite a status, and the board's filters."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from compraagil.errors import InvalidInput

EVALUANDO, COTIZADA, GANADA, PERDIDA, DESCARTADA = "evaluando", "cotizada", "ganada", "perdida", "descartada"
STATUSES = (EVALUANDO, COTIZADA, GANADA, PERDIDA, DESCARTADA)
"""In board order."""
STATUS_LABELS = {
    EVALUANDO: "Evaluando",
    COTIZADA: "Cotizada",
    GANADA: "Ganada",
    PERDIDA: "Perdida",
    DESCARTADA: "Descartada",
}
OPEN_STATUSES = (EVALUANDO, COTIZADA)
"""Statuses the history's outcome may replace even when a person chose them."""

PERSON, OUTCOME = "person", "outcome"
"""Who set an item's status: a person, or the outcome found in the history."""


def check_status(status: str) -> str:
    """The status when it is one of the five; InvalidInput otherwise."""
    if status not in STATUSES:
        raise InvalidInput(f"«{status}» no es un estado. Estados: {', '.join(STATUSES)}.")
    return status


def is_active(status: str) -> bool:
    """Whether an item counts against the plan's cap of saved tenders (all but descartada)."""
    return status != DESCARTADA


def outcome_may_move(status: str, set_by: str) -> bool:
    """Whether the history's outcome may change this status: never a person's ganada/perdida/descartada."""
    return set_by == OUTCOME or status in OPEN_STATUSES


@dataclass(frozen=True)
class Outcome:
    """What the history shows for a process the company quoted."""

    won: bool
    winner_name: str


def outcome_status(outcome: Outcome) -> tuple[str, str]:
    """The status the outcome gives, and the note that says it moved by itself."""
    status = GANADA if outcome.won else PERDIDA
    winner = outcome.winner_name or "otro proveedor"
    return status, f"Movida automáticamente: ganó {winner}"


def parse_amount(text: str) -> int | None:
    """A CLP amount typed as `1.250.000`, `$ 1250000` or empty (None); InvalidInput otherwise."""
    digits = text.strip().replace("$", "").replace(".", "").replace(" ", "")
    if not digits:
        return None
    if not digits.isdigit():
        raise InvalidInput("Escribe el monto en pesos, solo con números (por ejemplo 1.250.000).")
    return int(digits)


def usage_label(used: int, limit: int | None) -> str:
    """«12 de 50 guardadas», or «12 guardadas» when the plan has no limit."""
    return f"{used} guardadas" if limit is None else f"{used} de {limit} guardadas"


@dataclass(frozen=True)
class Filters:
    """What the board shows: a status (empty: all), closing within N days (None: any), a text."""

    status: str = ""
    closing_within_days: int | None = None
    text: str = ""


def matches(
    filters: Filters, *, status: str, closes_at: datetime | None, searchable: str, now: datetime
) -> bool:
    """Whether an item passes the filters (`searchable`: its name, código, organismo and notes)."""
    if filters.status and status != filters.status:
        return False
    days = filters.closing_within_days
    if days is not None and (closes_at is None or not now <= closes_at <= now + timedelta(days=days)):
        return False
    return all(word in searchable.casefold() for word in filters.text.casefold().split())


def reminder_due(remind_on: date | None, today: date) -> bool:
    """Whether the reminder date has come."""
    return remind_on is not None and remind_on <= today
