"""Periodic jobs, registered with rq-scheduler at start, replacing any earlier registration.

python -m jobs.schedule
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from rq_scheduler import Scheduler

from compraagil.logs import configure_logging
from compraagil.redis_client import get_redis
from jobs import queues
from jobs.tasks.health import health

log = logging.getLogger(__name__)

PREFIX = "periodic-"


@dataclass(frozen=True)
class PeriodicJob:
    """A function enqueued on a cron schedule (UTC)."""

    id: str
    cron: str
    func: Callable
    queue: str = queues.DEFAULT
    kwargs: dict = field(default_factory=dict)


def periodic_jobs() -> list[PeriodicJob]:
    """What runs on its own, and when."""
    return [PeriodicJob(id=PREFIX + "health", cron="*/5 * * * *", func=health)]


def register(scheduler: Scheduler) -> list[str]:
    """Drop our earlier entries and schedule the current ones; returns their ids."""
    for job in scheduler.get_jobs():
        if job.id.startswith(PREFIX):
            scheduler.cancel(job)
    wanted = periodic_jobs()
    for job in wanted:
        scheduler.cron(job.cron, func=job.func, kwargs=job.kwargs, id=job.id, queue_name=job.queue)
    return sorted(job.id for job in wanted)


def main() -> None:
    configure_logging("scheduler")
    scheduler = Scheduler(connection=get_redis(), interval=30)
    ids = register(scheduler)
    log.info("periodic jobs registered", extra={"jobs": ids})
    scheduler.run()


if __name__ == "__main__":
    main()
