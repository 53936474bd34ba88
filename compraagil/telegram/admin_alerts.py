"""Prometheus alerts for the operators, by Telegram: Alertmanager posts its webhook JSON here (with
a bearer token) and each firing or resolved alert becomes one short Spanish line in the admin chat."""

import hmac
import logging

import httpx

from compraagil.config import get_settings
from compraagil.errors import Forbidden, InvalidInput, NotFound
from compraagil.redis_client import get_redis
from compraagil.telegram import client
from compraagil.telegram.pacing import Pacer
from compraagil.telegram.replies import Reply

log = logging.getLogger(__name__)

SEVERITIES = {"critical": "Crítica", "warning": "Aviso"}
MAX_ALERTS = 20
"""At most this many alerts of one notification are sent; the rest are counted in the last line."""


def check_token(authorization: str | None) -> None:
    """404 when no token is configured (the route does not exist), 403 for a wrong one."""
    expected = get_settings().alertmanager_webhook_token
    if not expected or not get_settings().admin_telegram_chat_id:
        raise NotFound("No encontrado.")
    given = (authorization or "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise Forbidden("Token inválido.")


def alert_lines(payload: dict) -> list[str]:
    """One line per alert of an Alertmanager notification (version 4)."""
    alerts = payload.get("alerts")
    if not isinstance(alerts, list):
        raise InvalidInput("No es una notificación de Alertmanager.")
    lines = []
    for alert in alerts[:MAX_ALERTS]:
        labels, annotations = alert.get("labels") or {}, alert.get("annotations") or {}
        severity = SEVERITIES.get(str(labels.get("severity")), "Alerta")
        mark = "✅ Resuelta" if alert.get("status") == "resolved" else f"🔴 {severity}"
        lines.append(
            f"{mark} · {labels.get('alertname', '?')}: {annotations.get('summary', '')}".rstrip(": ")
        )
    if len(alerts) > MAX_ALERTS:
        lines.append(f"… y {len(alerts) - MAX_ALERTS} alertas más (ver Alertmanager).")
    return lines


def forward(payload: dict) -> int:
    """Send the notification's alerts to the admin chat as one message; how many alerts it named."""
    chat_id = get_settings().admin_telegram_chat_id
    lines = alert_lines(payload)
    if lines:
        Pacer(get_redis()).wait(chat_id)
        with httpx.Client() as http:
            client.send_message(
                client=http, chat_id=chat_id, reply=Reply("\n".join(["CompraAgil · operación", *lines]))
            )
    return len(lines)
