"""A small client of Flow.cl's REST API v1 (the SDK on PyPI signs requests wrongly).

Every request carries `apiKey` and `s`: the HMAC-SHA256, keyed with the secret key, of the other
parameters sorted by name and written as name+value, one after the other."""

import hashlib
import hmac
from dataclasses import dataclass

import httpx

from compraagil.errors import InvalidInput, Unavailable

PENDING, PAID, REJECTED, CANCELED = 1, 2, 3, 4
"""`payment/getStatus` states."""


def sign(params: dict[str, str], secret: str) -> str:
    """Flow's signature of `params` (without `s`)."""
    text = "".join(f"{name}{params[name]}" for name in sorted(params))
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class FlowOrder:
    token: str
    url: str
    """Where the payer goes: Flow's page for this order (`url?token=token`)."""


@dataclass(frozen=True)
class FlowStatus:
    commerce_order: str
    status: int
    amount: int
    currency: str


class FlowClient:
    def __init__(self, base_url: str, api_key: str, secret: str, http: httpx.Client | None = None) -> None:
        self.base_url, self.api_key, self.secret = base_url.rstrip("/"), api_key, secret
        self.http = http or httpx.Client(timeout=20)

    def _signed(self, params: dict[str, str]) -> dict[str, str]:
        params = {"apiKey": self.api_key, **params}
        return {**params, "s": sign(params, self.secret)}

    def _answer(self, response: httpx.Response) -> dict:
        if response.status_code >= 500:
            raise Unavailable("Flow no responde en este momento: intenta de nuevo en unos minutos.")
        body = response.json()
        if response.status_code >= 400:
            raise InvalidInput(f"Flow rechazó la solicitud: {body.get('message', response.status_code)}")
        return body

    def create_payment(
        self,
        *,
        commerce_order: str,
        subject: str,
        amount: int,
        email: str,
        url_confirmation: str,
        url_return: str,
    ) -> FlowOrder:
        """Create the order at Flow (`payment/create`); the payer is sent to its `url`."""
        params = {
            "commerceOrder": commerce_order, "subject": subject, "currency": "CLP", "amount": str(amount),
            "email": email, "urlConfirmation": url_confirmation, "urlReturn": url_return,
        }  # fmt: skip
        try:
            body = self._answer(self.http.post(f"{self.base_url}/payment/create", data=self._signed(params)))
        except httpx.HTTPError as error:
            raise Unavailable("No pudimos conectar con Flow: intenta de nuevo en unos minutos.") from error
        return FlowOrder(token=body["token"], url=f"{body['url']}?token={body['token']}")

    def payment_status(self, token: str) -> FlowStatus:
        """The order's state as Flow knows it (`payment/getStatus`): the only source we believe."""
        try:
            body = self._answer(
                self.http.get(f"{self.base_url}/payment/getStatus", params=self._signed({"token": token}))
            )
        except httpx.HTTPError as error:
            raise Unavailable("No pudimos conectar con Flow: intenta de nuevo en unos minutos.") from error
        return FlowStatus(
            commerce_order=str(body["commerceOrder"]),
            status=int(body["status"]),
            amount=round(float(body["amount"])),
            currency=str(body.get("currency", "CLP")),
        )
