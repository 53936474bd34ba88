"""A small synchronous Bot API client for the push job (the core does not use the bot library):
sendMessage, with Telegram's 429 and 403 answers as exceptions."""

import httpx

from compraagil.config import get_settings
from compraagil.errors import ConfigurationError
from compraagil.telegram.replies import Reply

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class RetryAfter(Exception):
    """429: Telegram asks to wait `seconds` before the next message."""

    def __init__(self, seconds: int):
        super().__init__(f"429 retry after {seconds}s")
        self.seconds = seconds


class Blocked(Exception):
    """403: the user blocked the bot (or deleted the chat)."""


class ApiError(Exception):
    """Any other failure (network, 5xx, a 400); the message says which."""


def _markup(reply: Reply) -> dict | None:
    if not reply.buttons:
        return None
    rows = [
        [{"text": b.label, **({"url": b.url} if b.url else {"callback_data": b.callback})} for b in row]
        for row in reply.buttons
    ]
    return {"inline_keyboard": rows}


def send_message(*, client: httpx.Client, chat_id: int, reply: Reply) -> None:
    """Send the reply to the chat; RetryAfter, Blocked or ApiError when Telegram refuses."""
    settings = get_settings()
    if not settings.telegram_token:
        raise ConfigurationError(
            "TELEGRAM_TOKEN no está configurado: no se pueden enviar avisos por Telegram"
        )
    url = f"{settings.telegram_api_url.rstrip('/')}/bot{settings.telegram_token}/sendMessage"
    payload = {"chat_id": chat_id, "text": reply.text, "link_preview_options": {"is_disabled": True}}
    if markup := _markup(reply):
        payload["reply_markup"] = markup
    try:
        response = client.post(url, json=payload, timeout=TIMEOUT)
        body = response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise ApiError(f"Telegram no respondió: {error}") from error
    if body.get("ok"):
        return
    code, description = body.get("error_code", response.status_code), body.get("description", "")
    if code == 429:
        raise RetryAfter(int(body.get("parameters", {}).get("retry_after", 1)))
    if code == 403:
        raise Blocked(description)
    raise ApiError(f"Telegram {code}: {description}")
