"""A company's paid plan over time: a settled payment starts, renews or upgrades it; at the end of
its period it renews (Stripe charges by itself; Flow subscribers pay a renewal link sent 3 days
before), ends when it was cancelled, or keeps the plan through a grace period and then goes to FREE.

Every change is one transaction on the company's row (locked): a worker killed in the middle
leaves the subscription as it was or as it should be, never half."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from compraagil.chile.dates import format_date
from compraagil.config import get_settings
from compraagil.errors import Forbidden, InvalidInput
from compraagil.models import Company, Payment, Subscription, User
from compraagil.payments.periods import month_after
from compraagil.payments.stripe_gateway import set_renewal

FREE = "FREE"
REMIND_DAYS_BEFORE = 3


def lock_company(session: Session, company_id: int) -> Company:
    """The company's row, locked until the transaction ends (one payment change at a time)."""
    return session.execute(select(Company).where(Company.id == company_id).with_for_update()).scalar_one()


def current(session: Session, company_id: int) -> Subscription | None:
    """The company's subscription unless it has ended."""
    found = session.get(Subscription, company_id)
    return found if found is not None and found.status != "ended" else None


def activate(session: Session, payment: Payment, now: datetime, provider_ref: str | None = None) -> str:
    """The paid order's plan for a month (a renewal continues the period); the company's plan follows.
    Returns the period as words for the invoice."""
    company = lock_company(session, payment.company_id)
    subscription = session.get(Subscription, company.id)
    if payment.purpose == "renewal" and subscription is not None and subscription.period_end > now:
        start = subscription.period_end
    else:
        start = now
    end = month_after(start)
    if subscription is None:
        subscription = Subscription(
            company_id=company.id,
            plan=payment.plan,
            provider=payment.provider,
            status="active",
            period_start=start,
            period_end=end,
        )
    subscription.plan, subscription.provider, subscription.status = payment.plan, payment.provider, "active"
    subscription.period_start, subscription.period_end = start, end
    subscription.cancel_at_period_end, subscription.grace_until = False, None
    subscription.provider_ref = provider_ref or (
        subscription.provider_ref if payment.purpose == "renewal" else None
    )
    subscription.updated_at = now
    company.plan = payment.plan
    session.add_all([subscription, company])
    return f"{format_date(start)} al {format_date(end)}"


def set_cancel_at_period_end(
    session: Session, *, user_id: int, company_id: int, cancel: bool
) -> Subscription:
    """The owner stops (or resumes) the renewal: the plan stays until the period ends."""
    user = session.get(User, user_id)
    if user is None or user.company_id != company_id or user.role != "owner":
        raise Forbidden("Solo el dueño de la empresa puede cambiar la suscripción.")
    lock_company(session, company_id)
    subscription = current(session, company_id)
    if subscription is None:
        raise InvalidInput("Tu empresa no tiene una suscripción pagada.")
    subscription.cancel_at_period_end = cancel
    session.add(subscription)
    if subscription.provider == "stripe" and subscription.provider_ref:
        set_renewal(subscription.provider_ref, cancel=cancel)
    return subscription


@dataclass(frozen=True)
class Changes:
    ended: int
    in_grace: int


def end_or_grace_due(session: Session, now: datetime) -> Changes:
    """Subscriptions past their period: cancelled ones end (FREE); unpaid ones keep the plan for
    the grace days, then end."""
    grace = timedelta(days=get_settings().subscription_grace_days)
    due = (
        session.execute(
            select(Subscription.company_id).where(
                Subscription.status != "ended", Subscription.period_end <= now
            )
        )
        .scalars()
        .all()
    )
    ended = in_grace = 0
    for company_id in due:
        company = lock_company(session, company_id)
        subscription = session.get(Subscription, company_id)
        if subscription.status == "ended" or subscription.period_end > now:
            continue
        if subscription.cancel_at_period_end or (
            subscription.grace_until and subscription.grace_until <= now
        ):
            subscription.status, company.plan = "ended", FREE
            ended += 1
        elif subscription.status == "active":
            subscription.status, subscription.grace_until = "past_due", subscription.period_end + grace
            in_grace += 1
        subscription.updated_at = now
        session.add_all([subscription, company])
    return Changes(ended, in_grace)


def payment_failed(session: Session, company_id: int, now: datetime) -> None:
    """The provider could not charge the renewal: the plan stays through the grace days."""
    lock_company(session, company_id)
    subscription = current(session, company_id)
    if subscription is not None and subscription.status == "active":
        subscription.status = "past_due"
        subscription.grace_until = max(subscription.period_end, now) + timedelta(
            days=get_settings().subscription_grace_days
        )
        session.add(subscription)


def ended_by_provider(session: Session, company_id: int, now: datetime) -> None:
    """The provider ended the subscription (Stripe: deleted): FREE from now."""
    company = lock_company(session, company_id)
    subscription = current(session, company_id)
    if subscription is not None:
        subscription.status, subscription.updated_at, company.plan = "ended", now, FREE
        session.add_all([subscription, company])


def renewal_reminders_due(session: Session, now: datetime) -> list[Subscription]:
    """Subscriptions ending within 3 days, renewing, not yet reminded for this period; marked reminded."""
    rows = (
        session.execute(
            select(Subscription)
            .where(
                Subscription.status == "active",
                Subscription.cancel_at_period_end.is_(False),
                Subscription.period_end > now,
                Subscription.period_end <= now + timedelta(days=REMIND_DAYS_BEFORE),
            )
            .with_for_update(skip_locked=True)
        )
        .scalars()
        .all()
    )
    due = [row for row in rows if row.reminded_for != row.period_end]
    for row in due:
        row.reminded_for = row.period_end
        session.add(row)
    return due


def payment_for(session: Session, public_id: str) -> Payment | None:
    return session.execute(select(Payment).where(Payment.public_id == public_id)).scalar_one_or_none()
