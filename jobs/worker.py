"""Worker entry point: preload heavy modules once, then fork a work-horse per job.

python -m jobs.worker [--queues ml,default] [--burst]
"""

import argparse
import importlib
import logging

from rq import Worker

from compraagil.logs import configure_logging
from compraagil.redis_client import get_redis
from jobs.queues import QUEUE_NAMES, TracedJob, TracedQueue, get_queue
from jobs.tasks import alerts, ml, pipeline

log = logging.getLogger(__name__)

PRELOAD = (
    "jobs.tasks.health",
    "jobs.tasks.imports",
    "jobs.tasks.alerts",
    "jobs.tasks.exports",
    "jobs.tasks.ml",
    "compraagil.db",
    "sqlalchemy.dialects.postgresql.psycopg",
)
"""Imported in the parent so every forked work-horse starts warm."""


def preload() -> None:
    for module in PRELOAD:
        importlib.import_module(module)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queues", default=",".join(QUEUE_NAMES), help="comma-separated, by priority")
    parser.add_argument("--burst", action="store_true", help="exit when the queues are empty")
    args = parser.parse_args(argv)
    configure_logging("worker")
    preload()
    pipeline.register_after_import()
    alerts.register_after_import()
    ml.register_after_import()
    queues = [get_queue(name.strip()) for name in args.queues.split(",") if name.strip()]
    log.info("worker starting", extra={"queues": [q.name for q in queues]})
    Worker(queues, connection=get_redis(), job_class=TracedJob, queue_class=TracedQueue).work(
        with_scheduler=True, burst=args.burst
    )


if __name__ == "__main__":
    main()
