"""What a push channel is: who it delivers to, and how it says it could not."""

from dataclasses import dataclass
from typing import Protocol

from sqlmodel import Session

from compraagil.alerts.logic import NoticeLine


@dataclass(frozen=True)
class Recipient:
    user_id: int
    email: str
    email_verified: bool
    telegram_chat_id: int | None


class DeliveryFailed(Exception):
    """A channel could not deliver; `reason` goes to the delivery log and the notice is retried."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class RecipientGone(DeliveryFailed):
    """The recipient can no longer be reached on the channel (they blocked the bot): never retried."""


class Channel(Protocol):
    code: str

    def skip_reason(self, recipient: Recipient) -> str | None:
        """Why this recipient cannot be reached on the channel at all, or None."""

    def send(self, recipient: Recipient, lines: list[NoticeLine]) -> None:
        """Deliver the lines as one message; DeliveryFailed when it could not."""

    def forget(self, session: Session, recipient: Recipient) -> None:
        """Stop using the channel for a recipient who is gone (RecipientGone)."""
