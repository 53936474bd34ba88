"""Telegram updates by webhook (production): the web app checks the secret Telegram sends with each
update and hands the update to the bot process through a Redis list; the bot takes them one at a
time into a «processing» list and removes each once handled, so an update survives a restart of
either process. Telegram resends an update it got no 2xx for: each update id is accepted once."""

import hmac
import json

import redis

from compraagil.config import get_settings
from compraagil.errors import Forbidden, InvalidInput, NotFound, Unavailable
from compraagil.redis_client import get_redis

WEBHOOK_PATH = "/api/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
PENDING = "telegram:updates"
PROCESSING = "telegram:updates:processing"
SEEN_SECONDS = 24 * 3600
"""How long an update id is remembered (Telegram keeps unconfirmed updates for 24 hours)."""


def webhook_url() -> str:
    """Where Telegram posts updates: PUBLIC_URL + WEBHOOK_PATH."""
    return get_settings().public_url.rstrip("/") + WEBHOOK_PATH


def accept(*, secret: str | None, body: bytes) -> bool:
    """Queue the update for the bot when `secret` is the configured one; False when it was seen before.

    NotFound without a configured secret (no webhook here), Forbidden for a wrong secret,
    InvalidInput for a body that is not an update, Unavailable when Redis is down (Telegram retries)."""
    expected = get_settings().telegram_webhook_secret
    if not expected:
        raise NotFound("No hay webhook de Telegram configurado.")
    if not hmac.compare_digest((secret or "").encode(), expected.encode()):
        raise Forbidden("Token secreto de Telegram incorrecto.")
    try:
        update_id = int(json.loads(body)["update_id"])
    except (ValueError, KeyError, TypeError):
        raise InvalidInput("El cuerpo no es una actualización de Telegram.") from None
    try:
        connection = get_redis()
        if not connection.set(f"telegram:update:{update_id}", 1, nx=True, ex=SEEN_SECONDS):
            return False
        connection.lpush(PENDING, body)
    except redis.RedisError:
        raise Unavailable("El servicio no está disponible; Telegram reintentará.") from None
    return True


def take(connection: redis.Redis, *, timeout: float) -> bytes | None:
    """The oldest queued update, moved to PROCESSING until `done`; None after `timeout` seconds."""
    return connection.blmove(PENDING, PROCESSING, timeout, src="RIGHT", dest="LEFT")


def done(connection: redis.Redis, raw: bytes) -> None:
    """The update was handled: forget it."""
    connection.lrem(PROCESSING, 1, raw)


def requeue_unfinished(connection: redis.Redis) -> int:
    """Put back updates a stopped bot took but did not finish (at start, before taking new ones)."""
    moved = 0
    while connection.lmove(PROCESSING, PENDING, src="LEFT", dest="RIGHT") is not None:
        moved += 1
    return moved
