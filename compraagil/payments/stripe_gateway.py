"""Stripe through its official library: a Checkout Session per order (a monthly subscription in
CLP, a zero-decimal currency), and the subscription's renewal switched off or on."""

import stripe

from compraagil.config import get_settings
from compraagil.errors import ConfigurationError, Unavailable
from compraagil.models import Payment
from compraagil.payments.gateways import Started, result_url, subject


def stripe_client() -> stripe.StripeClient:
    settings = get_settings()
    if not settings.stripe_secret_key:
        raise ConfigurationError("Los pagos con Stripe no están configurados (STRIPE_SECRET_KEY).")
    addresses = {"api": settings.stripe_api_url} if settings.stripe_api_url else None
    return stripe.StripeClient(settings.stripe_secret_key, base_addresses=addresses, max_network_retries=2)


class StripeGateway:
    def __init__(self, client: stripe.StripeClient | None = None) -> None:
        self.client = client or stripe_client()

    def start(self, payment: Payment, *, email: str) -> Started:
        params = {
            "mode": "subscription",
            "line_items": [{
                "quantity": 1,
                "price_data": {
                    "currency": "clp", "unit_amount": payment.amount_clp, "recurring": {"interval": "month"},
                    "product_data": {"name": subject(payment).replace(" (1 mes)", "")},
                },
            }],
            "client_reference_id": payment.public_id,
            "customer_email": email,
            "metadata": {"order": payment.public_id},
            "success_url": result_url(payment.public_id),
            "cancel_url": get_settings().public_url.rstrip("/") + "/planes",
        }  # fmt: skip
        try:
            session = self.client.v1.checkout.sessions.create(params=params)
        except stripe.StripeError as error:
            raise Unavailable("No pudimos conectar con Stripe: intenta de nuevo en unos minutos.") from error
        return Started(session.id, session.url)


def set_renewal(subscription_id: str, *, cancel: bool) -> None:
    """Tell Stripe to stop (or resume) charging at the period's end."""
    try:
        stripe_client().v1.subscriptions.update(subscription_id, params={"cancel_at_period_end": cancel})
    except stripe.StripeError as error:
        raise Unavailable("No pudimos avisar a Stripe: intenta de nuevo en unos minutos.") from error
