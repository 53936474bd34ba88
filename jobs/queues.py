"""The queues, and how work is put on them."""

from rq import Queue, Retry
from rq.job import Job

from compraagil.redis_client import get_redis

ML = "ml"
SCRAPING = "scraping"
EXPORTS = "exports"
ALERTS = "alerts"
DEFAULT = "default"
QUEUE_NAMES = (ML, SCRAPING, EXPORTS, ALERTS, DEFAULT)

NETWORK_RETRY = Retry(max=3, interval=[30, 120, 600])
"""Retries with backoff for anything that talks to a service outside our walls."""
LONG_JOB_TIMEOUT = 3600
"""Seconds an import may take (a month is several million rows)."""


def get_queue(name: str) -> Queue:
    """The named queue on the configured Redis."""
    if name not in QUEUE_NAMES:
        raise ValueError(f"unknown queue {name!r}; expected one of {', '.join(QUEUE_NAMES)}")
    return Queue(name, connection=get_redis())


def enqueue_with_retry(task: str, queue: str, *args: object) -> Job:
    """Enqueue `task` (dotted path) with network retries and the long timeout imports need."""
    return get_queue(queue).enqueue(task, *args, retry=NETWORK_RETRY, job_timeout=LONG_JOB_TIMEOUT)


def dispatch(task: str, queue: str) -> str:
    """What a periodic entry runs: put the real task on its queue, with retries; returns its job id."""
    return enqueue_with_retry(task, queue).id
