"""The time-based work of subscriptions, run every minute by the scheduler (and by
`python -m compraagil subscriptions`): periods that end (cancelled → FREE; unpaid → grace, then
FREE), then renewal reminders 3 days before. Each step is all or nothing."""

from datetime import UTC, datetime

from compraagil.db import session_scope
from compraagil.payments.reminders import send_renewal_reminders
from compraagil.payments.subscriptions import end_or_grace_due


def run_due(now: datetime | None = None) -> str:
    """Do what is due now; what was done, in Spanish."""
    now = now or datetime.now(UTC)
    with session_scope() as session:
        changes = end_or_grace_due(session, now)
    with session_scope() as session:
        reminded = send_renewal_reminders(session=session, now=now)
    return f"{changes.ended} suscripciones terminadas, {changes.in_grace} en período de gracia, {reminded} recordatorios"
