"""Pure rules of alerts: what an alert asks for, in words; when the daily digest is due (Santiago
time, daylight saving included); which deadline reminder a closing time calls for; and how many
notices become one message."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator, model_validator

from compraagil.chile.dates import SANTIAGO, format_date
from compraagil.chile.money import format_clp
from compraagil.chile.regions import REGIONS
from compraagil.search.query import MAX_QUERY_LENGTH, SearchQuery

MAX_NAME_LENGTH = 80
DIGEST_HOUR = 8
"""The daily digest goes out at 08:00 America/Santiago."""
DIGEST_CRON_UTC = "0 11,12 * * *"
"""08:00 in Santiago is 11:00 UTC in summer (UTC-3) and 12:00 UTC in winter (UTC-4): the job runs at
both and only the one that is 08:00 in Santiago sends (`is_digest_time`)."""
REMINDER_HOURS = {"deadline_24h": 24, "deadline_48h": 48}


class Channel(StrEnum):
    INBOX = "inbox"
    EMAIL = "email"
    TELEGRAM = "telegram"


class Frequency(StrEnum):
    INSTANT = "instant"
    DAILY = "daily"


CHANNEL_LABELS = {Channel.INBOX: "Bandeja", Channel.EMAIL: "Correo", Channel.TELEGRAM: "Telegram"}
FREQUENCY_LABELS = {Frequency.INSTANT: "Al instante", Frequency.DAILY: "Resumen diario a las 08:00"}
FILTER_FIELDS = (
    "text", "region", "organismo", "min_amount", "max_amount", "published_from", "published_to",
    "closes_from", "closes_to", "closes_within_days",
)  # fmt: skip
"""The Buscar filters an alert keeps (alerts watch open tenders, so «abiertas o todas» is not one)."""


class AlertInput(BaseModel):
    """What a person saves as an alert, validated with the same rules as a search."""

    name: str = Field(default="", max_length=MAX_NAME_LENGTH)
    text: str = ""
    region: int | None = Field(default=None, ge=1, le=16)
    organismo: str = Field(default="", max_length=MAX_QUERY_LENGTH)
    min_amount: int | None = Field(default=None, ge=0)
    max_amount: int | None = Field(default=None, ge=0)
    published_from: date | None = None
    published_to: date | None = None
    closes_from: date | None = None
    closes_to: date | None = None
    closes_within_days: int | None = Field(default=None, ge=0, le=365)
    channels: list[Channel] = Field(default_factory=lambda: [Channel.INBOX, Channel.EMAIL])
    frequency: Frequency = Frequency.INSTANT
    semantic: bool = False
    """By meaning (PYME and up): `text` describes what to watch for; without it, what the company
    quoted (see `compraagil.alerts.semantic`)."""

    @field_validator("name")
    @classmethod
    def _clean_name(cls, value: str) -> str:
        return " ".join(value.split())

    @model_validator(mode="after")
    def _checked(self) -> "AlertInput":
        search = SearchQuery(**{field: getattr(self, field) for field in FILTER_FIELDS})
        self.text, self.organismo = search.text, search.organismo.strip()
        if not self.semantic and not any(getattr(self, field) not in (None, "") for field in FILTER_FIELDS):
            raise ValueError("Escribe qué buscar o elige al menos un filtro")
        if not self.channels:
            raise ValueError("Elige al menos un canal: bandeja o correo")
        self.channels = sorted(set(self.channels))
        self.name = self.name or (self.text or describe_filters(self))[:MAX_NAME_LENGTH]
        return self


def describe_filters(alert: object) -> str:
    """What an alert (anything with the filter fields) asks for, in Spanish: «“guantes” · Región de Ñuble»."""
    get = lambda field: getattr(alert, field, None)  # noqa: E731
    parts = [f"«{get('text')}»"] if get("text") else []
    if get("semantic"):
        parts = [f"Por significado: {parts[0] if parts else 'lo que tu empresa cotiza'}"]
    if get("region"):
        parts.append(REGIONS.get(get("region"), f"Región {get('region')}"))
    if get("organismo"):
        parts.append(f"organismo «{get('organismo')}»")
    low, high = get("min_amount"), get("max_amount")
    if low is not None and high is not None:
        parts.append(f"entre {format_clp(low)} y {format_clp(high)}")
    elif low is not None:
        parts.append(f"desde {format_clp(low)}")
    elif high is not None:
        parts.append(f"hasta {format_clp(high)}")
    for start, end, label in (
        ("published_from", "published_to", "publicada"),
        ("closes_from", "closes_to", "cierra"),
    ):
        if get(start) and get(end):
            parts.append(f"{label} del {format_date(get(start))} al {format_date(get(end))}")
        elif get(start):
            parts.append(f"{label} desde el {format_date(get(start))}")
        elif get(end):
            parts.append(f"{label} hasta el {format_date(get(end))}")
    within = get("closes_within_days")
    if within is not None:
        parts.append("cierra hoy" if within == 0 else f"cierra en {within} día{'s' if within != 1 else ''}")
    return " · ".join(parts) or "Todas las Compras Ágiles abiertas"


def is_digest_time(now: datetime) -> bool:
    """Whether `now` falls in the 08:00 hour in Santiago (the digest job runs at two UTC hours)."""
    return now.astimezone(SANTIAGO).hour == DIGEST_HOUR


def next_digest_at(now: datetime) -> datetime:
    """The next 08:00 in Santiago after `now` (aware, in Santiago time)."""
    local = now.astimezone(SANTIAGO)
    day = local.date() if local.hour < DIGEST_HOUR else local.date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, DIGEST_HOUR, tzinfo=SANTIAGO)


def reminder_due(closes_at: datetime | None, now: datetime) -> str | None:
    """The reminder a tender closing at `closes_at` calls for now: `deadline_24h` within 24 hours,
    `deadline_48h` within 48, None when it closed or is further away."""
    if closes_at is None or closes_at <= now:
        return None
    for kind, hours in sorted(REMINDER_HOURS.items(), key=lambda item: item[1]):
        if closes_at - now <= timedelta(hours=hours):
            return kind
    return None


@dataclass(frozen=True)
class NoticeLine:
    """One tender in a message, with why it is there."""

    kind: str
    heading: str
    """The alert's name, or the reminder's title."""
    tender_name: str
    organismo: str
    amount: str
    closes: str
    url: str
    codigo: str = ""
    notice_id: int = 0
    learns: bool = False
    """From a semantic alert: a push offers 👍/👎 on it."""


@dataclass(frozen=True)
class Section:
    heading: str
    lines: list[NoticeLine]


def group_lines(lines: list[NoticeLine]) -> list[Section]:
    """Reminders first (24 h before 48 h), then one section per alert in the order they come."""
    order = {"deadline_24h": 0, "deadline_48h": 1, "alert": 2}
    sections: dict[tuple[int, str], list[NoticeLine]] = {}
    for line in lines:
        sections.setdefault((order[line.kind], line.heading), []).append(line)
    return [
        Section(heading, grouped) for (_, heading), grouped in sorted(sections.items(), key=lambda s: s[0][0])
    ]


def mail_subject(lines: list[NoticeLine]) -> str:
    """«Cierra pronto: …» for reminders only, else how many new tenders the alerts found."""
    alerts = [line for line in lines if line.kind == "alert"]
    if not alerts:
        return (
            f"Cierra pronto: {lines[0].tender_name}"
            if len(lines) == 1
            else f"{len(lines)} cotizaciones cierran pronto"
        )
    if len(alerts) == 1:
        return f"Nueva Compra Ágil para «{alerts[0].heading}»: {alerts[0].tender_name}"
    return f"{len(alerts)} nuevas Compras Ágiles para tus alertas"


def mail_body(lines: list[NoticeLine], *, alerts_url: str) -> str:
    """The plain-text mail: each section with its tenders, then where to manage the alerts."""
    blocks = []
    for section in group_lines(lines):
        items = "\n\n".join(
            f"• {line.tender_name}\n  {line.organismo} · {line.amount} · {line.closes}\n  {line.url}"
            for line in section.lines
        )
        blocks.append(f"{section.heading}\n\n{items}")
    return "Hola:\n\n" + "\n\n\n".join(blocks) + f"\n\nAdministra tus alertas en {alerts_url}"


REMINDER_HEADINGS = {
    "deadline_24h": "Cierra en menos de 24 horas",
    "deadline_48h": "Cierra en menos de 48 horas",
}
