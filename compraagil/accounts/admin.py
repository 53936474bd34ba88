"""Staff tools: see users, companies, plans and usage; change a company's plan, audited."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import Session

from compraagil.errors import Forbidden, InvalidInput, NotFound
from compraagil.models import AuditEntry, Company, Invoice, UsageCounter, User
from compraagil.payments.invoices import issue_credit_note
from compraagil.plans.quotas import period_start
from compraagil.plans.table import Feature, Kind, get_plan

SANTIAGO = ZoneInfo("America/Santiago")


@dataclass(frozen=True)
class UserRow:
    id: int
    email: str
    company_id: int
    company: str
    role: str
    verified: bool
    staff: bool
    created_at: datetime


@dataclass(frozen=True)
class CompanyRow:
    id: int
    name: str
    rut: str
    plan: str
    members: int
    price_analyses_today: int


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    actor: str
    action: str
    target: str
    before: dict | None
    after: dict | None
    reason: str


def require_staff(*, session: Session, user_id: int) -> User:
    """The staff user; Forbidden for everyone else."""
    user = session.get(User, user_id)
    if user is None or not user.is_staff:
        raise Forbidden("Esta sección es solo para el equipo de CompraAgil.")
    return user


def list_users(*, session: Session, user_id: int, limit: int = 200) -> list[UserRow]:
    """The newest users with their company (staff only)."""
    require_staff(session=session, user_id=user_id)
    rows = session.execute(
        select(User, Company.name)
        .join(Company, Company.id == User.company_id)
        .order_by(User.id.desc())
        .limit(limit)
    )
    return [
        UserRow(
            u.id,
            u.email,
            u.company_id,
            name,
            u.role,
            u.email_verified_at is not None,
            u.is_staff,
            u.created_at,
        )
        for u, name in rows
    ]


def list_companies(*, session: Session, user_id: int, limit: int = 200) -> list[CompanyRow]:
    """Companies with their plan, member count and today's price analyses (staff only)."""
    require_staff(session=session, user_id=user_id)
    today = period_start(Kind.DAILY, datetime.now(SANTIAGO))
    members = select(func.count()).where(User.company_id == Company.id).scalar_subquery()
    used = (
        select(UsageCounter.used)
        .where(
            UsageCounter.company_id == Company.id,
            UsageCounter.feature == Feature.PRICE_ANALYSIS.value,
            UsageCounter.period_start == today,
        )
        .scalar_subquery()
    )
    rows = session.execute(
        select(Company, members, func.coalesce(used, 0)).order_by(Company.id.desc()).limit(limit)
    )
    return [CompanyRow(c.id, c.name, c.rut or "", c.plan, n, u) for c, n, u in rows]


def change_plan(*, session: Session, user_id: int, company_id: int, plan: str, reason: str) -> None:
    """Move a company to another plan (staff only, reason required), writing the audit log."""
    require_staff(session=session, user_id=user_id)
    get_plan(plan)
    if len(reason.strip()) < 3:
        raise InvalidInput("Escribe el motivo del cambio (por ejemplo «transferencia 12-03»).")
    company = session.execute(
        select(Company).where(Company.id == company_id).with_for_update()
    ).scalar_one_or_none()
    if company is None:
        raise NotFound("No existe esa empresa.")
    before = company.plan
    company.plan = plan
    session.add(
        AuditEntry(
            actor_user_id=user_id,
            action="change_plan",
            target_type="company",
            target_id=company_id,
            before={"plan": before},
            after={"plan": plan},
            reason=reason.strip()[:500],
        )
    )
    session.flush()


def audit_log(*, session: Session, user_id: int, limit: int = 50) -> list[AuditRow]:
    """The newest audited changes (staff only)."""
    require_staff(session=session, user_id=user_id)
    rows = session.execute(
        select(AuditEntry, User.email)
        .outerjoin(User, User.id == AuditEntry.actor_user_id)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return [
        AuditRow(e.at, email or "—", e.action, f"{e.target_type} {e.target_id}", e.before, e.after, e.reason)
        for e, email in rows
    ]


def credit_note(*, session: Session, user_id: int, kind: str, number: int, reason: str) -> int:
    """A nota de crédito cancelling boleta or factura N° `number` (staff only, reason required,
    audited); its number. The money goes back through Flow's or Stripe's own panel."""
    require_staff(session=session, user_id=user_id)
    if len(reason.strip()) < 3:
        raise InvalidInput(
            "Escribe el motivo de la nota de crédito (por ejemplo «reembolso pedido el 12-03»)."
        )
    invoice_id = session.execute(
        select(Invoice.id).where(Invoice.kind == kind, Invoice.number == number)
    ).scalar_one_or_none()
    if invoice_id is None:
        raise NotFound(f"No existe la {kind} N° {number}.")
    note = issue_credit_note(session, invoice_id=invoice_id, reason=reason)
    session.add(
        AuditEntry(
            actor_user_id=user_id, action="credit_note", target_type="company", target_id=note.company_id,
            before={"document": f"{kind} {number}"}, after={"nota_credito": note.number}, reason=reason.strip()[:500],
        )
    )  # fmt: skip
    session.flush()
    return note.number
