"""Telegram as an alerts channel: one message per user and delivery run, paced within Telegram's
limits across every worker (`pacing`), waiting out a 429's `retry_after`, and forgetting the chat of
a user who blocked the bot (403) instead of retrying."""

from functools import cached_property

import httpx
from sqlmodel import Session

from compraagil.alerts.channels import DeliveryFailed, Recipient, RecipientGone
from compraagil.alerts.logic import NoticeLine
from compraagil.errors import ConfigurationError
from compraagil.redis_client import get_redis
from compraagil.telegram import client, replies
from compraagil.telegram.linking import unlink_user
from compraagil.telegram.pacing import Pacer

MAX_RETRY_WAIT = 60
"""Seconds of 429 waits one message may take; beyond, it fails and the job retries it later."""


class TelegramChannel:
    """One message per user and delivery run to the chat they linked."""

    code = "telegram"

    def __init__(self) -> None:
        self._client = httpx.Client()

    @cached_property
    def _pacer(self) -> Pacer:
        return Pacer(get_redis())

    def skip_reason(self, recipient: Recipient) -> str | None:
        return None if recipient.telegram_chat_id else "Telegram no vinculado"

    def send(self, recipient: Recipient, lines: list[NoticeLine]) -> None:
        reply = replies.push(lines)
        pacer = self._pacer
        waited = 0
        while True:
            pacer.wait(recipient.telegram_chat_id)
            try:
                client.send_message(client=self._client, chat_id=recipient.telegram_chat_id, reply=reply)
                return
            except client.RetryAfter as limit:
                waited += limit.seconds
                if waited > MAX_RETRY_WAIT:
                    raise DeliveryFailed(f"Telegram pidió esperar {limit.seconds} s (429)") from limit
                pacer.pause(limit.seconds)
            except client.Blocked as blocked:
                raise RecipientGone(f"bloqueó el bot ({blocked})") from blocked
            except (client.ApiError, ConfigurationError) as error:
                raise DeliveryFailed(str(getattr(error, "message", error))) from error

    def forget(self, session: Session, recipient: Recipient) -> None:
        unlink_user(session=session, user_id=recipient.user_id)
