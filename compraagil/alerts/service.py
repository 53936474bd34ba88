"""Alert services: a user's alerts (create, edit, pause, delete, list, usage against the plan's cap)
and their inbox (newest first, unread count, mark read). Every call names the signed-in user: another
user's alert or notice is NotFound."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlmodel import Session

from compraagil.alerts.logic import REMINDER_HEADINGS, AlertInput, describe_filters
from compraagil.errors import InvalidInput, NotFound
from compraagil.models import Alert, AlertNotice, Company, User
from compraagil.plans.quotas import cap_of, require_below_cap
from compraagil.plans.table import Feature

INBOX_SIZE = 50


@dataclass(frozen=True)
class AlertView:
    id: int
    name: str
    filters: str
    frequency: str
    channels: list[str]
    active: bool
    fields: dict
    """The saved fields, for the edit form."""


@dataclass(frozen=True)
class Usage:
    used: int
    limit: int | None
    """None: no limit; 0: the plan has no alerts."""


@dataclass(frozen=True)
class InboxEntry:
    id: int
    kind: str
    heading: str
    codigo: str
    tender_name: str
    organismo: str
    amount_available: int | None
    closes_at: datetime | None
    created_at: datetime
    read: bool


def _view(alert: Alert) -> AlertView:
    fields = AlertInput.model_fields
    return AlertView(
        id=alert.id,
        name=alert.name,
        filters=describe_filters(alert),
        frequency=alert.frequency,
        channels=list(alert.channels),
        active=alert.active,
        fields={field: getattr(alert, field) for field in fields},
    )


def _company_of(session: Session, user_id: int) -> int:
    company_id = session.execute(select(User.company_id).where(User.id == user_id)).scalar_one_or_none()
    if company_id is None:
        raise NotFound("No encontramos tu cuenta.")
    return company_id


def _own(session: Session, user_id: int, alert_id: int) -> Alert:
    alert = session.get(Alert, alert_id)
    if alert is None or alert.user_id != user_id:
        raise NotFound("Esa alerta no existe o no es tuya.")
    return alert


def create_alert(*, session: Session, user_id: int, fields: AlertInput) -> AlertView:
    """Save a new alert for the user, within the company's cap (QuotaExceeded beyond it)."""
    company_id = _company_of(session, user_id)
    session.execute(select(Company.id).where(Company.id == company_id).with_for_update())
    current = session.execute(select(func.count()).where(Alert.company_id == company_id)).scalar_one()
    require_below_cap(session=session, company_id=company_id, feature=Feature.KEYWORD_ALERTS, current=current)
    alert = Alert(company_id=company_id, user_id=user_id, **fields.model_dump())
    session.add(alert)
    session.flush()
    _reject_empty_query(session, alert)
    return _view(alert)


def update_alert(*, session: Session, user_id: int, alert_id: int, fields: AlertInput) -> AlertView:
    """Change what an alert of the user's looks for and how it notifies."""
    alert = _own(session, user_id, alert_id)
    for field, value in fields.model_dump().items():
        setattr(alert, field, value)
    alert.updated_at = func.now()
    session.flush()
    _reject_empty_query(session, alert)
    return _view(alert)


def _reject_empty_query(session: Session, alert: Alert) -> None:
    """InvalidInput when the text has only words search ignores («de la»): it would match nothing."""
    session.refresh(alert)
    if (
        alert.text
        and not session.execute(text("SELECT numnode(:query)"), {"query": alert.query}).scalar_one()
    ):
        raise InvalidInput(
            f"«{alert.text}» solo tiene palabras que la búsqueda ignora: usa otras más específicas"
        )


def set_active(*, session: Session, user_id: int, alert_id: int, active: bool) -> AlertView:
    """Pause or resume an alert of the user's."""
    alert = _own(session, user_id, alert_id)
    alert.active = active
    session.flush()
    return _view(alert)


def delete_alert(*, session: Session, user_id: int, alert_id: int) -> None:
    """Remove an alert of the user's, with its notices."""
    session.delete(_own(session, user_id, alert_id))
    session.flush()


def list_alerts(*, session: Session, user_id: int) -> list[AlertView]:
    """The user's alerts, oldest first."""
    alerts = session.execute(select(Alert).where(Alert.user_id == user_id).order_by(Alert.id)).scalars()
    return [_view(alert) for alert in alerts]


def alert_usage(*, session: Session, user_id: int) -> Usage:
    """How many alerts the user's company keeps, and its plan's cap."""
    company_id = _company_of(session, user_id)
    used = session.execute(select(func.count()).where(Alert.company_id == company_id)).scalar_one()
    return Usage(used, cap_of(session=session, company_id=company_id, feature=Feature.KEYWORD_ALERTS))


def inbox(*, session: Session, user_id: int, limit: int = INBOX_SIZE) -> list[InboxEntry]:
    """The user's newest notices in the inbox."""
    rows = session.execute(
        text(
            """
            SELECT n.id, n.kind, coalesce(a.name, '') AS alert_name, t.codigo, t.name, b.organismo,
                   t.amount_available, t.closes_at, n.created_at, n.read_at IS NOT NULL AS read
            FROM alert_notices n
            JOIN tenders t ON t.id = n.tender_id
            LEFT JOIN buyers b ON b.id = t.buyer_id
            LEFT JOIN alerts a ON a.id = n.alert_id
            WHERE n.user_id = :user_id AND n.in_inbox
            ORDER BY n.created_at DESC, n.id DESC
            LIMIT :limit
            """
        ),
        {"user_id": user_id, "limit": limit},
    ).all()
    return [
        InboxEntry(
            id=row.id, kind=row.kind, heading=REMINDER_HEADINGS.get(row.kind, row.alert_name), codigo=row.codigo, tender_name=row.name,
            organismo=row.organismo or "", amount_available=row.amount_available, closes_at=row.closes_at,
            created_at=row.created_at, read=row.read,
        )
        for row in rows
    ]  # fmt: skip


def unread_count(*, session: Session, user_id: int) -> int:
    """How many notices in the user's inbox are unread (the bell's number)."""
    return session.execute(
        text("SELECT count(*) FROM alert_notices WHERE user_id = :user_id AND in_inbox AND read_at IS NULL"),
        {"user_id": user_id},
    ).scalar_one()


def mark_read(*, session: Session, user_id: int, notice_id: int | None = None) -> int:
    """Mark one notice of the user's inbox read (or all, without `notice_id`); returns how many changed."""
    statement = update(AlertNotice).where(
        AlertNotice.user_id == user_id, AlertNotice.in_inbox, AlertNotice.read_at.is_(None)
    )
    if notice_id is not None:
        statement = statement.where(AlertNotice.id == notice_id)
    return session.execute(statement.values(read_at=func.now())).rowcount
