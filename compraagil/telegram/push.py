"""Telegram as an alerts channel: one message per user and delivery run, paced within Telegram's
limits (about 30 messages a second overall, one a second per chat), waiting out a 429's
`retry_after`, and forgetting the chat of a user who blocked the bot (403) instead of retrying."""

import threading
import time

import httpx
from sqlmodel import Session

from compraagil.alerts.channels import DeliveryFailed, Recipient, RecipientGone
from compraagil.alerts.logic import NoticeLine
from compraagil.errors import ConfigurationError
from compraagil.telegram import client, replies
from compraagil.telegram.linking import unlink_user

OVERALL_INTERVAL = 1 / 30
PER_CHAT_INTERVAL = 1.0
MAX_RETRY_WAIT = 60
"""Seconds of 429 waits one message may take; beyond, it fails and the job retries it later."""


class Pacer:
    """Spaces sends: OVERALL_INTERVAL between any two, PER_CHAT_INTERVAL between two to one chat."""

    def __init__(self, clock=time.monotonic, sleep=time.sleep) -> None:
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._next_any = 0.0
        self._next_chat: dict[int, float] = {}

    def wait(self, chat_id: int) -> None:
        with self._lock:
            now = self._clock()
            at = max(now, self._next_any, self._next_chat.get(chat_id, 0.0))
            self._next_any = at + OVERALL_INTERVAL
            self._next_chat[chat_id] = at + PER_CHAT_INTERVAL
        if at > now:
            self._sleep(at - now)

    def pause(self, seconds: float) -> None:
        """Telegram said wait: no message to anyone until then."""
        with self._lock:
            self._next_any = max(self._next_any, self._clock() + seconds)


class TelegramChannel:
    """One message per user and delivery run to the chat they linked."""

    code = "telegram"

    def __init__(self) -> None:
        self._pacer = Pacer()
        self._client = httpx.Client()

    def skip_reason(self, recipient: Recipient) -> str | None:
        return None if recipient.telegram_chat_id else "Telegram no vinculado"

    def send(self, recipient: Recipient, lines: list[NoticeLine]) -> None:
        reply = replies.push(lines)
        waited = 0
        while True:
            self._pacer.wait(recipient.telegram_chat_id)
            try:
                client.send_message(client=self._client, chat_id=recipient.telegram_chat_id, reply=reply)
                return
            except client.RetryAfter as limit:
                waited += limit.seconds
                if waited > MAX_RETRY_WAIT:
                    raise DeliveryFailed(f"Telegram pidió esperar {limit.seconds} s (429)") from limit
                self._pacer.pause(limit.seconds)
            except client.Blocked as blocked:
                raise RecipientGone(f"bloqueó el bot ({blocked})") from blocked
            except (client.ApiError, ConfigurationError) as error:
                raise DeliveryFailed(str(getattr(error, "message", error))) from error

    def forget(self, session: Session, recipient: Recipient) -> None:
        unlink_user(session=session, user_id=recipient.user_id)
