"""Single-use emailed links (verify, reset, email change): issued with an expiry, used atomically."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import text, update
from sqlmodel import Session

from compraagil.accounts.tokens import hash_token, new_token
from compraagil.errors import InvalidInput
from compraagil.models import UserToken

VERIFY, RESET, EMAIL_CHANGE = "verify", "reset", "email_change"

_USE = text(
    """
    UPDATE user_tokens SET used_at = :now
    WHERE token_hash = :token_hash AND purpose = ANY(:purposes) AND used_at IS NULL AND expires_at > :now
    RETURNING user_id, purpose, new_email
    """
)


@dataclass(frozen=True)
class UsedLink:
    user_id: int
    purpose: str
    new_email: str | None


def issue_link(
    *, session: Session, user_id: int, purpose: str, lifetime: timedelta, new_email: str | None = None
) -> str:
    """A new link token for the user (earlier unused ones of the same purpose stop working)."""
    now = datetime.now(UTC)
    session.execute(
        update(UserToken)
        .where(UserToken.user_id == user_id, UserToken.purpose == purpose, UserToken.used_at.is_(None))
        .values(used_at=now)
    )
    token, token_hash = new_token()
    session.add(
        UserToken(
            token_hash=token_hash,
            user_id=user_id,
            purpose=purpose,
            new_email=new_email,
            expires_at=now + lifetime,
        )
    )
    session.flush()
    return token


def use_link(
    *, session: Session, token: str, purposes: tuple[str, ...], now: datetime | None = None
) -> UsedLink:
    """Mark the link used and return what it was for; InvalidInput when unknown, used or expired."""
    row = session.execute(
        _USE,
        {"now": now or datetime.now(UTC), "token_hash": hash_token(token or ""), "purposes": list(purposes)},
    ).first()
    if row is None:
        raise InvalidInput("Este enlace no es válido, ya se usó o venció. Pide uno nuevo.")
    return UsedLink(*row)
