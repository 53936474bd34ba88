"""Redis cache with a TTL per kind of result; when Redis is down it is simply skipped.

Keys hold a generation number that every landed import increments, so one INCR invalidates all
cached figures. A failed Redis call opens a short breaker: for BREAKER_SECONDS the cache is not
tried at all, and the outage is logged once, not per request.
"""

import hashlib
import json
import logging
import time
from collections.abc import Callable
from typing import TypeVar

import redis
from pydantic import BaseModel

from compraagil.metrics import CACHE_REQUESTS
from compraagil.redis_client import get_redis

log = logging.getLogger(__name__)

TTL_SECONDS = {"price": 3600, "search": 900, "profile": 3600, "dashboard": 3600, "query_vector": 86400}
GENERATION_KEY = "cache:generation"
BREAKER_SECONDS = 30.0

Result = TypeVar("Result", bound=BaseModel)


class _Breaker:
    """Remembers a Redis failure for a while, and whether it was already reported."""

    open_until = 0.0
    reported = False

    @classmethod
    def allows(cls) -> bool:
        return time.monotonic() >= cls.open_until

    @classmethod
    def trip(cls, error: Exception) -> None:
        cls.open_until = time.monotonic() + BREAKER_SECONDS
        if not cls.reported:
            log.warning("redis unavailable: serving without cache", extra={"error": str(error)})
            cls.reported = True

    @classmethod
    def reset(cls) -> None:
        if cls.reported:
            log.info("redis is back: cache enabled again")
        cls.open_until, cls.reported = 0.0, False


def _key(kind: str, generation: int, params: dict) -> str:
    digest = hashlib.sha1(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()
    return f"cache:{kind}:{generation}:{digest}"


def cached(kind: str, params: dict, model: type[Result], compute: Callable[[], Result]) -> Result:
    """The cached result for `params`, or `compute()` stored for the kind's TTL."""
    if not _Breaker.allows():
        CACHE_REQUESTS.labels(kind=kind, result="skipped").inc()
        return compute()
    client = get_redis()
    try:
        generation = int(client.get(GENERATION_KEY) or 0)
        key = _key(kind, generation, params)
        hit = client.get(key)
    except redis.RedisError as error:
        _Breaker.trip(error)
        CACHE_REQUESTS.labels(kind=kind, result="skipped").inc()
        return compute()
    _Breaker.reset()
    if hit is not None:
        CACHE_REQUESTS.labels(kind=kind, result="hit").inc()
        return model.model_validate_json(hit)
    CACHE_REQUESTS.labels(kind=kind, result="miss").inc()
    result = compute()
    try:
        client.set(key, result.model_dump_json(), ex=TTL_SECONDS[kind])
    except redis.RedisError as error:
        _Breaker.trip(error)
    return result


def invalidate() -> None:
    """Forget every cached result (after an import lands); a dead Redis has nothing to forget."""
    try:
        get_redis().incr(GENERATION_KEY)
    except redis.RedisError as error:
        _Breaker.trip(error)
