"""Housekeeping: sessions, emailed links and invitations past their expiry are deleted (a daily job)."""

from datetime import UTC, datetime

from sqlalchemy import delete
from sqlmodel import Session

from compraagil.models import Invitation, UserSession, UserToken

EXPIRING = {"sessions": UserSession, "links": UserToken, "invitations": Invitation}


def delete_expired(*, session: Session, now: datetime | None = None) -> dict[str, int]:
    """Delete every session, link and invitation past its expiry; returns how many of each."""
    now = now or datetime.now(UTC)
    return {
        name: session.execute(delete(table).where(table.expires_at <= now)).rowcount
        for name, table in EXPIRING.items()
    }
