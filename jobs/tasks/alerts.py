"""Alert jobs: match each landed import against the alerts, deliver instantly or as the 08:00
digest, and add the pipeline's deadline reminders."""

from datetime import UTC, datetime

from compraagil import after_import
from compraagil.alerts.delivery import deliver, has_due
from compraagil.alerts.logic import Frequency, is_digest_time
from compraagil.alerts.matching import match_pending_runs
from compraagil.alerts.reminders import create_reminders
from compraagil.db import session_scope
from compraagil.ingest.runs import ImportCounts
from jobs.queues import ALERTS, enqueue_with_retry


class DeliveriesFailed(Exception):
    """Some deliveries failed and will be tried again: raised so RQ retries the job with backoff."""


def _deliver(frequency: Frequency) -> str:
    with session_scope() as session:
        report = deliver(session=session, frequency=frequency)
    if report.failures:
        raise DeliveriesFailed("; ".join(sorted(set(report.failures))))
    return f"enviadas {report.sent} · omitidas {report.skipped}"


def deliver_instant_when_due() -> None:
    with session_scope() as session:
        due = has_due(session=session, frequency=Frequency.INSTANT)
    if due:
        enqueue_with_retry("jobs.tasks.alerts.deliver_instant", ALERTS)


def match_alerts() -> str:
    """Match every landed run not matched yet, then enqueue the instant deliveries."""
    with session_scope() as session:
        runs = match_pending_runs(session=session)
    deliver_instant_when_due()
    return f"{len(runs)} importaciones · {sum(run.notices for run in runs)} avisos nuevos"


def deliver_instant() -> str:
    """Send every pending instant delivery (and the deadline reminders)."""
    return _deliver(Frequency.INSTANT)


def deliver_daily_digest() -> str:
    """The 08:00 Santiago digest; the job runs at 11:00 and 12:00 UTC and only one of them is 08:00."""
    if not is_digest_time(datetime.now(UTC)):
        return "no es la hora del resumen en Santiago"
    return _deliver(Frequency.DAILY)


def remind_deadlines() -> str:
    """Add reminders for pipeline tenders closing within 48 and 24 hours, then deliver them."""
    with session_scope() as session:
        created = create_reminders(session=session)
    deliver_instant_when_due()
    return f"{created} recordatorios nuevos"


def match_after_import(counts: ImportCounts) -> None:
    """The «after import» step: enqueue the matching (it runs on the `alerts` queue)."""
    enqueue_with_retry("jobs.tasks.alerts.match_alerts", ALERTS)


def register_after_import() -> None:
    """Register this module's «after import» step (the worker calls it at start-up)."""
    after_import.register(match_after_import)
