"""The payment providers behind one small interface: start a checkout for an order, and where the
payer goes. Flow (CLP, Chilean cards, Webpay, transfers) and Stripe (international cards)."""

from dataclasses import dataclass
from typing import Protocol

from compraagil.config import get_settings
from compraagil.errors import ConfigurationError
from compraagil.models import Payment
from compraagil.payments.flow import FlowClient
from compraagil.plans.table import get_plan

FLOW_CONFIRMATION = "/api/payments/flow/confirmation"
FLOW_RETURN = "/api/payments/flow/return"
STRIPE_WEBHOOK = "/api/payments/stripe/webhook"
RESULT_PAGE = "/pago"
"""The order page (compraagil_web.routes.PAYMENT)."""


@dataclass(frozen=True)
class Started:
    provider_ref: str
    url: str


class Gateway(Protocol):
    def start(self, payment: Payment, *, email: str) -> Started: ...


def result_url(public_id: str) -> str:
    return f"{get_settings().public_url.rstrip('/')}{RESULT_PAGE}?orden={public_id}"


def subject(payment: Payment) -> str:
    return f"CompraAgil plan {get_plan(payment.plan).name} (1 mes)"


def flow_client() -> FlowClient:
    settings = get_settings()
    if not (settings.flow_api_key and settings.flow_secret_key):
        raise ConfigurationError("Los pagos con Flow no están configurados (FLOW_API_KEY y FLOW_SECRET_KEY).")
    return FlowClient(settings.flow_api_url, settings.flow_api_key, settings.flow_secret_key)


class FlowGateway:
    def __init__(self, client: FlowClient | None = None) -> None:
        self.client = client or flow_client()

    def start(self, payment: Payment, *, email: str) -> Started:
        public = get_settings().public_url.rstrip("/")
        order = self.client.create_payment(
            commerce_order=payment.public_id, subject=subject(payment), amount=payment.amount_clp, email=email,
            url_confirmation=public + FLOW_CONFIRMATION, url_return=public + FLOW_RETURN,
        )  # fmt: skip
        return Started(order.token, order.url)
