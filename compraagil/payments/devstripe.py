"""A local Stripe for `make run` without keys and for tests: the API calls the product makes
(`POST /v1/checkout/sessions`, `GET /v1/checkout/sessions/{id}`, `POST /v1/subscriptions/{id}`)
with Bearer keys, form-encoded nested parameters and Stripe's JSON objects and errors; a hosted
checkout page («pago de prueba»); and webhooks signed as Stripe signs them
(`Stripe-Signature: t=<time>,v1=<HMAC-SHA256 of "<time>.<body>">`)."""

import hashlib
import hmac
import html
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
from dateutil.relativedelta import relativedelta

from compraagil.chile.money import format_clp

SECRET_KEY = "sk_test_dev_compraagil"
WEBHOOK_SECRET = "whsec_dev_compraagil"


def nested(form: dict[str, str]) -> dict:
    """`line_items[0][price_data][currency]=clp` → {"line_items": [{"price_data": {"currency": "clp"}}]}."""
    root: dict = {}
    for key, value in form.items():
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part, following in zip(parts, [*parts[1:], None], strict=True):
            if following is None:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _lists(root)


def _lists(node):
    if isinstance(node, dict):
        if node and all(key.isdigit() for key in node):
            return [_lists(node[key]) for key in sorted(node, key=int)]
        return {key: _lists(value) for key, value in node.items()}
    return node


def signature_header(payload: str, secret: str, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@dataclass
class Answer:
    status: int
    body: str | dict
    content_type: str = "application/json"
    headers: dict = field(default_factory=dict)


def _error(status: int, message: str) -> Answer:
    return Answer(status, {"error": {"type": "invalid_request_error", "message": message}})


class FakeStripe:
    def __init__(
        self,
        public_base: str,
        webhook_url: str,
        secret_key: str = SECRET_KEY,
        webhook_secret: str = WEBHOOK_SECRET,
    ) -> None:
        self.public_base, self.webhook_url = public_base.rstrip("/"), webhook_url
        self.secret_key, self.webhook_secret = secret_key, webhook_secret
        self.sessions: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.delivered: list[tuple[dict, int]] = []
        """(event, HTTP status the webhook answered)."""
        self._lock = threading.Lock()

    def handle(self, method: str, path: str, form: dict[str, str], authorization: str) -> Answer:
        if path.startswith("/v1/"):
            if authorization != f"Bearer {self.secret_key}":
                return Answer(
                    401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}}
                )
            return self._api(method, path, nested(form))
        match = re.fullmatch(r"/checkout/(cs_test_\w+)", path)
        if match and match.group(1) in self.sessions:
            checkout = self.sessions[match.group(1)]
            if method == "GET":
                return Answer(200, self._page(checkout), "text/html; charset=utf-8")
            return self._decide(checkout, form.get("decision", ""))
        return _error(404, f"Unrecognized request URL ({method}: {path})")

    def _api(self, method: str, path: str, params: dict) -> Answer:
        if method == "POST" and path == "/v1/checkout/sessions":
            return self._create_session(params)
        match = re.fullmatch(r"/v1/checkout/sessions/(\w+)", path)
        if match and method == "GET":
            found = self.sessions.get(match.group(1))
            return (
                Answer(200, found) if found else _error(404, f"No such checkout.session: '{match.group(1)}'")
            )
        match = re.fullmatch(r"/v1/subscriptions/(\w+)", path)
        if match:
            found = self.subscriptions.get(match.group(1))
            if found is None:
                return _error(404, f"No such subscription: '{match.group(1)}'")
            if method == "POST" and "cancel_at_period_end" in params:
                found["cancel_at_period_end"] = params["cancel_at_period_end"] == "true"
            return Answer(200, found)
        return _error(404, f"Unrecognized request URL ({method}: {path})")

    def _create_session(self, params: dict) -> Answer:
        items = params.get("line_items") or []
        if not items or "success_url" not in params:
            return _error(400, "Missing required param: line_items.")
        prices = [item["price_data"] for item in items]
        currency = prices[0].get("currency", "")
        amount = sum(
            int(price["unit_amount"]) * int(item.get("quantity", 1))
            for price, item in zip(prices, items, strict=True)
        )
        session_id = f"cs_test_{secrets.token_hex(12)}"
        checkout = {
            "id": session_id, "object": "checkout.session", "mode": params.get("mode", "payment"),
            "status": "open", "payment_status": "unpaid", "amount_total": amount, "currency": currency,
            "client_reference_id": params.get("client_reference_id"), "customer_email": params.get("customer_email"),
            "metadata": params.get("metadata", {}), "success_url": params["success_url"],
            "cancel_url": params.get("cancel_url"), "subscription": None, "livemode": False,
            "url": f"{self.public_base}/checkout/{session_id}",
            "product": prices[0].get("product_data", {}).get("name", ""),
        }  # fmt: skip
        with self._lock:
            self.sessions[session_id] = checkout
        return Answer(200, checkout)

    def _decide(self, checkout: dict, decision: str) -> Answer:
        if decision != "pay":
            return Answer(303, "", "text/plain", {"Location": checkout["cancel_url"] or self.public_base})
        self.complete(checkout["id"])
        return Answer(
            303,
            "",
            "text/plain",
            {"Location": checkout["success_url"].replace("{CHECKOUT_SESSION_ID}", checkout["id"])},
        )

    def complete(self, session_id: str) -> dict:
        """The payer paid: the session completes, its subscription starts, and the webhook is sent."""
        checkout = self.sessions[session_id]
        if checkout["status"] != "complete":
            now = datetime.now(UTC)
            subscription = {
                "id": f"sub_{secrets.token_hex(10)}", "object": "subscription", "status": "active",
                "cancel_at_period_end": False, "current_period_start": int(now.timestamp()),
                "current_period_end": int((now + relativedelta(months=1)).timestamp()),
                "metadata": checkout["metadata"], "amount": checkout["amount_total"], "currency": checkout["currency"],
            }  # fmt: skip
            self.subscriptions[subscription["id"]] = subscription
            checkout.update(status="complete", payment_status="paid", subscription=subscription["id"])
        return self.send("checkout.session.completed", checkout)

    def renew(self, subscription_id: str, *, paid: bool = True) -> dict:
        """The subscription's next period: Stripe charges the card (invoice.paid or invoice.payment_failed)."""
        subscription = self.subscriptions[subscription_id]
        invoice = {
            "id": f"in_{secrets.token_hex(10)}", "object": "invoice", "subscription": subscription_id,
            "billing_reason": "subscription_cycle", "currency": subscription["currency"],
            "amount_paid": subscription["amount"] if paid else 0, "amount_due": subscription["amount"],
            "status": "paid" if paid else "open",
        }  # fmt: skip
        return self.send("invoice.paid" if paid else "invoice.payment_failed", invoice)

    def delete(self, subscription_id: str) -> dict:
        subscription = self.subscriptions[subscription_id]
        subscription["status"] = "canceled"
        return self.send("customer.subscription.deleted", subscription)

    def send(self, kind: str, obj: dict) -> dict:
        """A signed webhook event to the product (returned, so a test can replay or forge it)."""
        event = {
            "id": f"evt_{secrets.token_hex(12)}", "object": "event", "type": kind, "created": int(time.time()),
            "livemode": False, "api_version": "2026-10-28", "data": {"object": dict(obj)},
        }  # fmt: skip
        self.post(json.dumps(event))
        return event

    def post(self, payload: str, signature: str | None = None) -> int:
        """POST a webhook body (signed with the webhook secret unless a signature is given)."""
        headers = {
            "Content-Type": "application/json",
            "Stripe-Signature": signature or signature_header(payload, self.webhook_secret),
        }
        try:
            status = httpx.post(self.webhook_url, content=payload, headers=headers, timeout=20).status_code
        except httpx.HTTPError:
            status = 0
        self.delivered.append((json.loads(payload), status))
        return status

    def _page(self, checkout: dict) -> str:
        name, amount = html.escape(checkout["product"]), format_clp(checkout["amount_total"])
        button = (
            "padding:.7em 1.4em;border-radius:6px;border:0;font-size:1em;margin-right:.6em;cursor:pointer"
        )
        return (
            "<!doctype html><html lang='es'><head><meta charset='utf-8'><title>Stripe · pago de prueba</title></head>"
            "<body style='font-family:system-ui;max-width:480px;margin:3em auto'><h1>Stripe Checkout</h1>"
            "<p><b>Pago de prueba</b>: nada se cobra; el comercio recibe el mismo webhook firmado que con Stripe.</p>"
            f"<p id='stripe-product'>{name}</p><p id='stripe-amount' style='font-size:1.6em'>{amount} al mes</p>"
            "<form method='post'>"
            f"<button name='decision' value='pay' id='stripe-pay' style='{button};background:#635bff;color:white'>Suscribirme</button>"
            f"<button name='decision' value='cancel' id='stripe-cancel' style='{button}'>Volver</button></form></body></html>"
        )
