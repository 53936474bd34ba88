"""Checkout: an order priced from the plan table only (never from the browser), sent to the
provider, and settled once whatever the number of confirmations, webhooks or clicks."""

import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlmodel import Session

from compraagil.errors import Forbidden, InvalidInput, NotFound
from compraagil.models import Payment, User
from compraagil.payments import invoices, subscriptions
from compraagil.payments.flow import CANCELED, PAID, REJECTED, FlowClient
from compraagil.payments.gateways import FlowGateway, Gateway
from compraagil.payments.periods import unused_credit
from compraagil.payments.stripe_gateway import StripeGateway
from compraagil.plans.table import PLANS, get_plan

log = logging.getLogger(__name__)

PROVIDERS = ("flow", "stripe")
REUSE_PENDING_FOR = timedelta(minutes=30)
"""A second click on «Pagar» within this time reuses the pending order instead of making another."""


def gateway(provider: str) -> Gateway:
    """The configured gateway of `provider` (`flow` or `stripe`)."""
    return FlowGateway() if provider == "flow" else StripeGateway()


@dataclass(frozen=True)
class Priced:
    purpose: str
    amount_clp: int
    credit_clp: int


def price_order(session: Session, company_id: int, plan_code: str, provider: str, now: datetime) -> Priced:
    """What the company pays for `plan_code` now: the plan's price, less (for an upgrade) the unused
    part of the period already paid; the same plan again is a renewal; a cheaper plan waits for
    the period's end."""
    plan = get_plan(plan_code)
    if plan.price_clp <= 0:
        raise InvalidInput("El plan Free no se paga: para dejar tu plan, cancela la renovación en Cuenta.")
    held = subscriptions.current(session, company_id)
    if held is None:
        return Priced("subscribe", plan.price_clp, 0)
    if held.provider != provider:
        raise InvalidInput("Tu suscripción se paga por otro medio: usa el mismo para renovarla o mejorarla.")
    old = get_plan(held.plan)
    if plan.code == old.code:
        return Priced("renewal", plan.price_clp, 0)
    if plan.price_clp < old.price_clp:
        raise InvalidInput(
            f"Para bajar al plan {plan.name}, cancela la renovación en Cuenta y elígelo al terminar tu período."
        )
    if provider == "stripe":
        raise InvalidInput(
            "Para mejorar un plan pagado con tarjeta internacional, cancela la renovación y suscríbete al nuevo al terminar el período."
        )
    credit = (
        unused_credit(old.price_clp, held.period_start, held.period_end, now)
        if held.status == "active"
        else 0
    )
    return Priced("upgrade", plan.price_clp - credit, credit)


@dataclass(frozen=True)
class Offer:
    """What Planes offers the company for a paid plan: the amount today, or why not now."""

    plan_code: str
    purpose: str
    amount_clp: int
    credit_clp: int
    refusal: str


def offers(
    *, session: Session, company_id: int, provider: str = "flow", now: datetime | None = None
) -> list[Offer]:
    """The company's offer for every paid plan (as `price_order` prices it)."""
    now = now or datetime.now(UTC)
    made = []
    for plan in PLANS.values():
        if plan.price_clp <= 0:
            continue
        try:
            priced = price_order(session, company_id, plan.code, provider, now)
            made.append(Offer(plan.code, priced.purpose, priced.amount_clp, priced.credit_clp, ""))
        except InvalidInput as refusal:
            made.append(Offer(plan.code, "", 0, 0, refusal.message))
    return made


def start_checkout(
    *, session: Session, user_id: int, company_id: int, plan_code: str, provider: str,
    now: datetime | None = None,
) -> str:  # fmt: skip
    """The provider's page where the user pays the order for `plan_code` (made now, or the pending
    one of a moment ago). The company's row stays locked until the order is stored, so two clicks
    cannot make two orders."""
    if provider not in PROVIDERS:
        raise InvalidInput("Elige Flow o tarjeta internacional.")
    now = now or datetime.now(UTC)
    user = session.get(User, user_id)
    if user is None or user.company_id != company_id:
        raise Forbidden("Inicia sesión de nuevo.")
    subscriptions.lock_company(session, company_id)
    priced = price_order(session, company_id, plan_code, provider, now)
    pending = session.execute(
        select(Payment).where(
            Payment.company_id == company_id, Payment.status == "pending", Payment.plan == plan_code,
            Payment.provider == provider, Payment.amount_clp == priced.amount_clp,
            Payment.created_at > now - REUSE_PENDING_FOR, Payment.checkout_url.is_not(None),
        )
    ).scalars().first()  # fmt: skip
    if pending is not None:
        return pending.checkout_url
    payment = Payment(
        public_id=f"CA-{secrets.token_hex(6).upper()}", company_id=company_id, user_id=user_id,
        provider=provider, purpose=priced.purpose, plan=plan_code, amount_clp=priced.amount_clp,
        credit_clp=priced.credit_clp,
    )  # fmt: skip
    session.add(payment)
    session.flush()
    started = gateway(provider).start(payment, email=user.email)
    payment.provider_ref, payment.checkout_url = started.provider_ref, started.url
    session.add(payment)
    return started.url


def settle(
    session: Session,
    payment: Payment,
    status: str,
    *,
    now: datetime | None = None,
    provider_ref: str | None = None,
) -> bool:
    """Move a pending order to `paid`, `rejected` or `canceled` (once: False when it had already
    moved). A paid order starts its plan and issues its document in the same transaction."""
    now = now or datetime.now(UTC)
    moved = session.execute(
        update(Payment)
        .where(Payment.id == payment.id, Payment.status == "pending")
        .values(status=status, settled_at=now)
        .returning(Payment.id)
    ).first()
    if moved is None:
        return False
    session.refresh(payment)
    if status == "paid":
        period = subscriptions.activate(session, payment, now, provider_ref)
        invoices.issue_for_payment(session, payment, period=period)
    log.info(
        "payment settled", extra={"order": payment.public_id, "status": status, "provider": payment.provider}
    )
    return True


FLOW_STATES = {PAID: "paid", REJECTED: "rejected", CANCELED: "canceled"}


def confirm_flow(*, session: Session, token: str, client: FlowClient) -> Payment:
    """Flow says an order changed: ask Flow itself (a signed getStatus, the only thing believed),
    check it is our order for our amount, and settle it."""
    if not token or len(token) > 200:
        raise InvalidInput("Falta el token de Flow.")
    status = client.payment_status(token)
    payment = subscriptions.payment_for(session, status.commerce_order)
    if payment is None or payment.provider != "flow" or payment.provider_ref != token:
        raise NotFound("No conocemos esa orden.")
    if status.currency != "CLP" or status.amount != payment.amount_clp:
        log.error(
            "flow amount differs from the order",
            extra={"order": payment.public_id, "flow_amount": status.amount},
        )
        raise Forbidden("El monto pagado no corresponde a la orden.")
    if status.status in FLOW_STATES:
        settle(session, payment, FLOW_STATES[status.status])
    return payment


def flow_order_of(*, session: Session, token: str) -> str | None:
    """The public id of the order Flow knows by `token` (where its payer comes back to)."""
    return session.execute(
        select(Payment.public_id).where(Payment.provider == "flow", Payment.provider_ref == token)
    ).scalar_one_or_none()


@dataclass(frozen=True)
class OrderView:
    public_id: str
    status: str
    plan_name: str
    amount_clp: int
    period_end: datetime | None


def order_state(*, session: Session, company_id: int, public_id: str) -> OrderView:
    """An order of the company as it stands (another company's order is not found)."""
    payment = subscriptions.payment_for(session, public_id)
    if payment is None or payment.company_id != company_id:
        raise NotFound("No encontramos ese pago.")
    held = subscriptions.current(session, company_id) if payment.status == "paid" else None
    return OrderView(
        payment.public_id,
        payment.status,
        get_plan(payment.plan).name,
        payment.amount_clp,
        held.period_end if held else None,
    )
