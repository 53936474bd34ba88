"""Accounts housekeeping jobs."""

from compraagil.accounts.cleanup import delete_expired
from compraagil.db import session_scope


def delete_expired_accounts_data() -> dict[str, int]:
    """The daily job: delete expired sessions, emailed links and invitations; returns how many of each."""
    with session_scope() as session:
        return delete_expired(session=session)
