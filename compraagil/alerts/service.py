"""Alert services: a user's alerts (create, edit, pause, delete, list, usage against the plan's cap)
and their inbox (newest first, unread count, mark read). Every call names the signed-in user: another
user's alert or notice is NotFound."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlmodel import Session

from compraagil.alerts import semantic
from compraagil.alerts.logic import REMINDER_HEADINGS, AlertInput, describe_filters
from compraagil.embeddings.providers import get_embedder
from compraagil.errors import InvalidInput, NotFound
from compraagil.models import Alert, AlertNotice, AlertVector, Company, User
from compraagil.plans.quotas import cap_of, require_below_cap, require_included
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
    semantic: bool = False
    seeded_from: str = ""
    """A semantic alert's vector was made from this, in words."""


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
    learns: bool = False
    """From a semantic alert: 👍/👎 on it moves the alert."""
    useful: bool | None = None


def _view(alert: Alert, seeded_from: str = "") -> AlertView:
    fields = AlertInput.model_fields
    return AlertView(
        semantic=alert.semantic,
        seeded_from=seeded_from,
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
    if fields.semantic:
        require_included(session=session, company_id=company_id, feature=Feature.SEMANTIC_ALERTS)
    alert = Alert(company_id=company_id, user_id=user_id, **fields.model_dump())
    session.add(alert)
    session.flush()
    _reject_empty_query(session, alert)
    return _view(alert, _seed(session, alert))


def update_alert(*, session: Session, user_id: int, alert_id: int, fields: AlertInput) -> AlertView:
    """Change what an alert of the user's looks for and how it notifies."""
    alert = _own(session, user_id, alert_id)
    if fields.semantic:
        require_included(session=session, company_id=alert.company_id, feature=Feature.SEMANTIC_ALERTS)
    for field, value in fields.model_dump().items():
        setattr(alert, field, value)
    alert.updated_at = func.now()
    session.flush()
    _reject_empty_query(session, alert)
    return _view(alert, _seed(session, alert))


def _seed(session: Session, alert: Alert) -> str:
    """A semantic alert's vector made from what it says now, its past 👍/👎 applied again."""
    if not alert.semantic:
        return ""
    seeded_from = semantic.seed(session=session, alert=alert, embedder=get_embedder())
    semantic.learn(session, alert.id)
    return seeded_from


def _reject_empty_query(session: Session, alert: Alert) -> None:
    """InvalidInput when the text has only words search ignores («de la»): it would match nothing."""
    session.refresh(alert)
    if (
        not alert.semantic
        and alert.text
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
    alerts = session.execute(select(Alert).where(Alert.user_id == user_id).order_by(Alert.id)).scalars().all()
    seeds = dict(
        session.execute(
            select(AlertVector.alert_id, AlertVector.seeded_from).where(
                AlertVector.alert_id.in_([alert.id for alert in alerts if alert.semantic])
            )
        ).all()
    )
    return [_view(alert, seeds.get(alert.id, "")) for alert in alerts]


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
                   t.amount_available, t.closes_at, n.created_at, n.read_at IS NOT NULL AS read,
                   coalesce(a.semantic, false) AS learns, n.useful
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
            created_at=row.created_at, read=row.read, learns=row.learns, useful=row.useful,
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
