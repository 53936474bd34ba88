"""The queues and how to reach them."""

from rq import Queue, Retry

from compraagil.redis_client import get_redis

ML = "ml"
SCRAPING = "scraping"
EXPORTS = "exports"
ALERTS = "alerts"
DEFAULT = "default"
QUEUE_NAMES = (ML, SCRAPING, EXPORTS, ALERTS, DEFAULT)

NETWORK_RETRY = Retry(max=3, interval=[30, 120, 600])
"""Retries with backoff for anything that talks to a service outside our walls."""


def get_queue(name: str) -> Queue:
    """The named queue on the configured Redis."""
    if name not in QUEUE_NAMES:
        raise ValueError(f"unknown queue {name!r}; expected one of {', '.join(QUEUE_NAMES)}")
    return Queue(name, connection=get_redis())
