"""Server-side sessions: the browser holds a random token, the database only its SHA-256 hash.

A session expires SESSION_DAYS after it was last used (sliding); logging out deletes it, and a
password change deletes every session of the user.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlmodel import Session

from compraagil.accounts.tokens import hash_token, new_token
from compraagil.config import get_settings
from compraagil.errors import Unauthorized
from compraagil.models import Company, User, UserSession

SLIDE_AFTER = timedelta(minutes=5)
"""A session's expiry moves forward at most this often (not a write on every click)."""


@dataclass(frozen=True)
class CurrentUser:
    """Who a valid session belongs to: what every door needs to decide what they may see."""

    user_id: int
    email: str
    company_id: int
    role: str
    is_staff: bool
    plan: str


def _lifetime() -> timedelta:
    return timedelta(days=get_settings().session_days)


def create_session(*, session: Session, user_id: int, now: datetime | None = None) -> str:
    """Open a session for the user; returns the token for the cookie (never stored)."""
    now = now or datetime.now(UTC)
    token, token_hash = new_token()
    session.add(
        UserSession(
            token_hash=token_hash,
            user_id=user_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + _lifetime(),
        )
    )
    session.flush()
    return token


def resolve_session(*, session: Session, token: str, now: datetime | None = None) -> CurrentUser:
    """The user of a live session, sliding its expiry; Unauthorized when missing, unknown or expired."""
    if not token:
        raise Unauthorized("Inicia sesión para continuar.")
    now = now or datetime.now(UTC)
    row = session.execute(
        select(UserSession, User, Company.plan)
        .join(User, User.id == UserSession.user_id)
        .join(Company, Company.id == User.company_id)
        .where(UserSession.token_hash == hash_token(token))
    ).first()
    if row is None or row[0].expires_at <= now:
        raise Unauthorized("Tu sesión expiró. Inicia sesión de nuevo.")
    user_session, user, plan = row
    if now - user_session.last_seen_at >= SLIDE_AFTER:
        session.execute(
            update(UserSession)
            .where(UserSession.id == user_session.id)
            .values(last_seen_at=now, expires_at=now + _lifetime())
        )
    return CurrentUser(user.id, user.email, user.company_id, user.role, user.is_staff, plan)


def revoke_session(*, session: Session, token: str) -> None:
    """End one session (logging out); an unknown token is simply ignored."""
    if token:
        session.execute(delete(UserSession).where(UserSession.token_hash == hash_token(token)))


def revoke_all_sessions(*, session: Session, user_id: int) -> int:
    """End every session of the user (password change, «cerrar sesión en todos los dispositivos»)."""
    return session.execute(delete(UserSession).where(UserSession.user_id == user_id)).rowcount
