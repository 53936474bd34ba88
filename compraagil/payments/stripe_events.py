"""Stripe's webhooks: the signature checked on the raw body, each event processed once (its id kept
in the same transaction as its effects, so a failure lets Stripe send it again), and only the
events that move money or a subscription acted on."""

import json
import logging
import secrets
from datetime import UTC, datetime

import stripe
from sqlalchemy import select, text
from sqlmodel import Session

from compraagil.config import get_settings
from compraagil.errors import Forbidden, InvalidInput, InvalidSignature
from compraagil.models import Payment, Subscription
from compraagil.payments import subscriptions
from compraagil.payments.checkout import settle

log = logging.getLogger(__name__)


def verified_event(payload: bytes, signature: str | None) -> dict:
    """The event, when its `Stripe-Signature` is right for the raw body (and recent); InvalidSignature otherwise."""
    secret = get_settings().stripe_webhook_secret
    if not secret:
        raise Forbidden("Los webhooks de Stripe no están configurados.")
    try:
        stripe.Webhook.construct_event(payload, signature, secret)
    except (stripe.SignatureVerificationError, ValueError):
        raise InvalidSignature("Firma de Stripe inválida.") from None
    return json.loads(payload)


def _first_time(session: Session, event: dict) -> bool:
    return (
        session.execute(
            text(
                "INSERT INTO payment_events (provider, event_id, kind) VALUES ('stripe', :id, :kind)"
                " ON CONFLICT DO NOTHING RETURNING event_id"
            ),
            {"id": event["id"], "kind": event["type"]},
        ).first()
        is not None
    )


def _subscription_of(session: Session, stripe_subscription: str | None) -> Subscription | None:
    if not stripe_subscription:
        return None
    return session.execute(
        select(Subscription).where(
            Subscription.provider == "stripe", Subscription.provider_ref == stripe_subscription
        )
    ).scalar_one_or_none()


def handle(session: Session, event: dict, now: datetime | None = None) -> str:
    """Act on a verified event (once); returns what was done, for the log."""
    now = now or datetime.now(UTC)
    if not _first_time(session, event):
        return "repeated"
    kind, obj = event["type"], event["data"]["object"]
    if kind == "checkout.session.completed":
        return _checkout_completed(session, obj, now)
    held = _subscription_of(
        session, obj.get("subscription") if kind.startswith("invoice.") else obj.get("id")
    )
    if held is None:
        return "ignored"
    if kind == "invoice.paid" and obj.get("billing_reason") == "subscription_cycle":
        if obj.get("currency") != "clp":
            raise Forbidden("Moneda inesperada en la renovación.")
        renewal = Payment(
            public_id=f"CA-{secrets.token_hex(6).upper()}", company_id=held.company_id, provider="stripe",
            purpose="renewal", plan=held.plan, amount_clp=int(obj["amount_paid"]), provider_ref=obj["id"],
        )  # fmt: skip
        session.add(renewal)
        session.flush()
        settle(session, renewal, "paid", now=now)
        return "renewed"
    if kind == "invoice.payment_failed":
        subscriptions.payment_failed(session, held.company_id, now)
        return "grace"
    if kind == "customer.subscription.deleted":
        subscriptions.ended_by_provider(session, held.company_id, now)
        return "ended"
    return "ignored"


def _checkout_completed(session: Session, checkout: dict, now: datetime) -> str:
    payment = subscriptions.payment_for(session, checkout.get("client_reference_id") or "")
    if payment is None or payment.provider != "stripe" or payment.provider_ref != checkout.get("id"):
        raise InvalidInput("No conocemos esa sesión de pago.")
    if checkout.get("currency") != "clp" or int(checkout.get("amount_total") or 0) != payment.amount_clp:
        log.error("stripe amount differs from the order", extra={"order": payment.public_id})
        raise Forbidden("El monto pagado no corresponde a la orden.")
    if checkout.get("payment_status") != "paid":
        return "unpaid"
    settle(session, payment, "paid", now=now, provider_ref=checkout.get("subscription"))
    return "paid"
