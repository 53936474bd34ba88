"""A local Flow for `make run` without keys and for tests: the same wire protocol as Flow's API v1
(form posts and query strings signed with `s`, JSON answers, `{"code", "message"}` errors), its
payment page («pago de prueba»: pay or reject), the server-to-server confirmation POST with the
token, and the payer's return to `urlReturn` as a form POST, as Flow does."""

import html
import itertools
import logging
import secrets
import threading
from dataclasses import dataclass

import httpx

from compraagil.chile.money import format_clp
from compraagil.payments.flow import CANCELED, PAID, PENDING, REJECTED, sign

log = logging.getLogger(__name__)

API_KEY = "dev-flow-api-key"
SECRET = "dev-flow-secret-key"
REQUIRED = ("commerceOrder", "subject", "amount", "email", "urlConfirmation", "urlReturn")


@dataclass
class Order:
    flow_order: int
    token: str
    params: dict[str, str]
    status: int = PENDING


@dataclass
class Answer:
    status: int
    body: str | dict
    content_type: str = "application/json"


class FakeFlow:
    """Flow's side of a payment, under `prefix` of the dev payments server."""

    def __init__(self, public_base: str, api_key: str = API_KEY, secret: str = SECRET) -> None:
        self.public_base, self.api_key, self.secret = public_base.rstrip("/"), api_key, secret
        self.orders: dict[str, Order] = {}
        self.confirmations: list[tuple[str, int]] = []
        """(token, HTTP status our confirmation URL answered)."""
        self._numbers = itertools.count(9_000_001)
        self._lock = threading.Lock()

    def _signed(self, params: dict[str, str]) -> bool:
        given = params.get("s", "")
        unsigned = {name: value for name, value in params.items() if name != "s"}
        return params.get("apiKey") == self.api_key and secrets.compare_digest(
            given, sign(unsigned, self.secret)
        )

    def handle(self, method: str, path: str, params: dict[str, str]) -> Answer:
        if path in ("/api/payment/create", "/api/payment/getStatus") and not self._signed(params):
            return Answer(401, {"code": 108, "message": "Invalid signature"})
        if method == "POST" and path == "/api/payment/create":
            return self._create(params)
        if method == "GET" and path == "/api/payment/getStatus":
            return self._status(params.get("token", ""))
        if path == "/app/web/pay.php":
            order = self.orders.get(params.get("token", ""))
            if order is None:
                return Answer(404, "<p>Orden no encontrada</p>", "text/html; charset=utf-8")
            if method == "GET":
                return Answer(200, self._payment_page(order), "text/html; charset=utf-8")
            return self._decide(order, params.get("decision", ""))
        return Answer(404, {"code": 404, "message": "Not found"})

    def _create(self, params: dict[str, str]) -> Answer:
        missing = [name for name in REQUIRED if not params.get(name)]
        if missing:
            return Answer(400, {"code": 1605, "message": f"Missing parameter {missing[0]}"})
        if params.get("currency", "CLP") != "CLP" or not params["amount"].isdigit():
            return Answer(400, {"code": 1620, "message": "Invalid amount"})
        with self._lock:
            order = Order(next(self._numbers), secrets.token_hex(20).upper(), dict(params))
            self.orders[order.token] = order
        return Answer(
            200,
            {
                "url": f"{self.public_base}/app/web/pay.php",
                "token": order.token,
                "flowOrder": order.flow_order,
            },
        )

    def _status(self, token: str) -> Answer:
        order = self.orders.get(token)
        if order is None:
            return Answer(400, {"code": 105, "message": "Invalid token"})
        params = order.params
        return Answer(
            200,
            {
                "flowOrder": order.flow_order, "commerceOrder": params["commerceOrder"], "status": order.status,
                "subject": params["subject"], "currency": params.get("currency", "CLP"),
                "amount": float(params["amount"]), "payer": params["email"], "requestDate": None,
                "paymentData": {"media": "Webpay", "amount": float(params["amount"])} if order.status == PAID else None,
            },
        )  # fmt: skip

    def pay(self, token: str, decision: str = "pay") -> None:
        """The payer's choice on Flow's page: the order's state, then Flow's confirmation POST."""
        order = self.orders[token]
        if order.status == PENDING:
            order.status = {"pay": PAID, "reject": REJECTED}.get(decision, CANCELED)
        self.confirm(token)

    def confirm(self, token: str) -> int:
        """Flow's server-to-server POST of the token to the order's urlConfirmation (also replayable)."""
        try:
            status = httpx.post(
                self.orders[token].params["urlConfirmation"], data={"token": token}, timeout=20
            ).status_code
        except httpx.HTTPError as error:
            log.warning("flow confirmation failed", extra={"error": str(error)})
            status = 0
        self.confirmations.append((token, status))
        return status

    def _decide(self, order: Order, decision: str) -> Answer:
        self.pay(order.token, decision)
        url_return = html.escape(order.params["urlReturn"])
        page = (
            f"<!doctype html><html lang='es'><body><form method='post' action='{url_return}'>"
            f"<input type='hidden' name='token' value='{order.token}'>"
            "<button id='flow-return'>Volver al comercio</button></form>"
            "<script>document.forms[0].submit()</script></body></html>"
        )
        return Answer(200, page, "text/html; charset=utf-8")

    def _payment_page(self, order: Order) -> str:
        subject, amount = html.escape(order.params["subject"]), format_clp(int(order.params["amount"]))
        button = (
            "padding:.7em 1.4em;border-radius:6px;border:0;font-size:1em;margin-right:.6em;cursor:pointer"
        )
        return (
            "<!doctype html><html lang='es'><head><meta charset='utf-8'><title>Flow · pago de prueba</title></head>"
            "<body style='font-family:system-ui;max-width:480px;margin:3em auto'>"
            "<h1>Flow</h1><p><b>Pago de prueba</b>: nada se cobra; el comercio recibe la misma confirmación que con Flow.</p>"
            f"<p id='flow-subject'>{subject}</p><p id='flow-amount' style='font-size:1.6em'>{amount}</p>"
            f"<form method='post'><input type='hidden' name='token' value='{order.token}'>"
            f"<button name='decision' value='pay' id='flow-pay' style='{button};background:#1a7f37;color:white'>Pagar</button>"
            f"<button name='decision' value='reject' id='flow-reject' style='{button}'>Rechazar</button></form>"
            "</body></html>"
        )
