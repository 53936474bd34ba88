"""Periodic jobs, registered with rq-scheduler at start, replacing any earlier registration.

python -m jobs.schedule
"""

import logging
from dataclasses import dataclass

from rq_scheduler import Scheduler

from compraagil.alerts.logic import DIGEST_CRON_UTC
from compraagil.config import get_settings
from compraagil.logs import configure_logging
from compraagil.redis_client import get_redis
from jobs import queues

log = logging.getLogger(__name__)

PREFIX = "periodic-"


@dataclass(frozen=True)
class PeriodicJob:
    """A task (dotted path) run on a cron schedule (UTC); network tasks go through `dispatch` so
    the real job gets RQ's retries, which rq-scheduler's entries cannot carry."""

    id: str
    cron: str
    task: str
    queue: str = queues.DEFAULT
    retry: bool = False


def periodic_jobs() -> list[PeriodicJob]:
    """What runs on its own, and when (the API sync only with a ticket to use)."""
    jobs = [
        PeriodicJob(PREFIX + "health", "*/5 * * * *", "jobs.tasks.health.health"),
        PeriodicJob(
            PREFIX + "import-newest-month",
            "0 7 2 * *",
            "jobs.tasks.imports.import_newest_month",
            queues.SCRAPING,
            True,
        ),
        PeriodicJob(
            PREFIX + "accounts-cleanup", "30 7 * * *", "jobs.tasks.accounts.delete_expired_accounts_data"
        ),
        PeriodicJob(
            PREFIX + "exports-cleanup", "15 * * * *", "jobs.tasks.exports.delete_old_exports", queues.EXPORTS
        ),
        PeriodicJob(
            PREFIX + "stale-proposals", "*/10 * * * *", "jobs.tasks.proposals.fail_stale", queues.EXPORTS
        ),
        PeriodicJob(PREFIX + "alerts-match", "* * * * *", "jobs.tasks.alerts.match_alerts", queues.ALERTS),
        PeriodicJob(
            PREFIX + "alerts-digest",
            DIGEST_CRON_UTC,
            "jobs.tasks.alerts.deliver_daily_digest",
            queues.ALERTS,
            True,
        ),
        PeriodicJob(PREFIX + "nightly-backup", "0 6 * * *", "jobs.tasks.backups.nightly_backup"),
        PeriodicJob(PREFIX + "prices-catch-up", "*/5 * * * *", "jobs.tasks.imports.refresh_prices"),
        PeriodicJob(PREFIX + "embed-tenders", "*/5 * * * *", "jobs.tasks.ml.embed_tenders", queues.ML),
        PeriodicJob(PREFIX + "win-model-ensure", "*/5 * * * *", "jobs.tasks.ml.ensure_win_model", queues.ML),
        PeriodicJob(PREFIX + "win-model", "30 5 * * *", "jobs.tasks.ml.keep_win_model_current", queues.ML),
        PeriodicJob(PREFIX + "pipeline-outcomes", "* * * * *", "jobs.tasks.pipeline.apply_pipeline_outcomes"),
        PeriodicJob(PREFIX + "subscriptions", "* * * * *", "jobs.tasks.subscriptions.run_subscriptions"),
        PeriodicJob(
            PREFIX + "deadline-reminders", "*/15 * * * *", "jobs.tasks.alerts.remind_deadlines", queues.ALERTS
        ),
    ]
    if get_settings().mercadopublico_ticket:
        jobs.append(
            PeriodicJob(
                PREFIX + "sync-api", "*/30 * * * *", "jobs.tasks.imports.sync_api", queues.SCRAPING, True
            )
        )
    return jobs


def register(scheduler: Scheduler) -> list[str]:
    """Drop our earlier entries and schedule the current ones; returns their ids."""
    for job in scheduler.get_jobs():
        if job.id.startswith(PREFIX):
            scheduler.cancel(job)
    wanted = periodic_jobs()
    for job in wanted:
        if job.retry:
            scheduler.cron(job.cron, func=queues.dispatch, args=[job.task, job.queue], id=job.id)
        else:
            scheduler.cron(job.cron, func=job.task, id=job.id, queue_name=job.queue)
    return sorted(job.id for job in wanted)


def main() -> None:
    configure_logging("scheduler")
    scheduler = Scheduler(connection=get_redis(), interval=30)
    ids = register(scheduler)
    log.info("periodic jobs registered", extra={"jobs": ids})
    scheduler.run()


if __name__ == "__main__":
    main()
