"""What the Alertas page shows of alerts and notices, and its form read back as an AlertInput."""

import dataclasses
from datetime import datetime

from compraagil.alerts import service
from compraagil.alerts.logic import (
    CHANNEL_LABELS,
    FREQUENCY_LABELS,
    AlertInput,
    Channel,
    Frequency,
    next_digest_at,
)
from compraagil.chile.dates import closing_label, format_datetime
from compraagil.chile.money import format_clp
from compraagil.search.query import validated
from compraagil_web import routes

FORM_FIELDS = {
    "q": "text", "region": "region", "organismo": "organismo", "min": "min_amount", "max": "max_amount",
    "dias": "closes_within_days", "pub_desde": "published_from", "pub_hasta": "published_to",
    "cierre_desde": "closes_from", "cierre_hasta": "closes_to",
}  # fmt: skip
"""Form and URL parameter (the same names as Buscar's) → alert field."""
EMPTY_FORM = {key: "" for key in FORM_FIELDS} | {"nombre": "", "frecuencia": Frequency.INSTANT.value}


@dataclasses.dataclass
class AlertRow:
    id: int
    name: str
    filters: str
    frequency: str
    channels: str
    active: bool
    learns_from: str
    """A semantic alert: what its vector was made from, in words; empty otherwise."""


@dataclasses.dataclass
class InboxRow:
    id: int
    heading: str
    href: str
    tender_name: str
    organismo: str
    amount: str
    closes: str
    urgency: str
    received: str
    read: bool
    learns: bool
    """From a semantic alert: 👍/👎 buttons move it."""
    verdict: str
    """«Te sirvió», «No te sirvió» or empty."""


def alert_row(alert: service.AlertView, now: datetime) -> AlertRow:
    """An alert as its card shows it (a daily one says when its next digest goes out)."""
    frequency = FREQUENCY_LABELS[Frequency(alert.frequency)]
    if alert.frequency == Frequency.DAILY:
        frequency = f"{frequency} (próximo: {format_datetime(next_digest_at(now))})"
    return AlertRow(
        id=alert.id,
        name=alert.name,
        filters=alert.filters,
        frequency=frequency,
        channels=" y ".join(
            CHANNEL_LABELS[Channel(code)] for code in alert.channels if code in CHANNEL_LABELS
        ),
        active=alert.active,
        learns_from=alert.seeded_from if alert.semantic else "",
    )


def inbox_row(entry: service.InboxEntry, now: datetime) -> InboxRow:
    """A notice as the inbox shows it."""
    closes, urgency = closing_label(entry.closes_at, now)
    return InboxRow(
        id=entry.id, heading=entry.heading, href=routes.tender_url(entry.codigo), tender_name=entry.tender_name,
        organismo=entry.organismo or "Organismo no informado", amount=format_clp(entry.amount_available),
        closes=closes, urgency=urgency, received=format_datetime(entry.created_at), read=entry.read,
        learns=entry.learns, verdict={True: "Te sirvió", False: "No te sirvió"}.get(entry.useful, ""),
    )  # fmt: skip


def form_values(alert: service.AlertView) -> dict[str, str]:
    """An alert's fields as the form shows them."""
    values = {
        key: "" if alert.fields[field] is None else str(alert.fields[field])
        for key, field in FORM_FIELDS.items()
    }
    return values | {"nombre": alert.name, "frecuencia": alert.frequency}


def alert_input(form: dict, channels: list[Channel], semantic: bool = False) -> AlertInput:
    """The form as an AlertInput; InvalidInput with a Spanish message when a value cannot be used."""
    fields = {field: value for key, field in FORM_FIELDS.items() if (value := str(form.get(key, "")).strip())}
    for field in ("min_amount", "max_amount"):
        if field in fields:
            digits = "".join(ch for ch in fields[field] if ch.isdigit())
            fields[field] = digits or None
    return validated(
        AlertInput,
        name=str(form.get("nombre", "")),
        channels=channels,
        frequency=form.get("frecuencia") or Frequency.INSTANT,
        semantic=semantic,
        **fields,
    )
