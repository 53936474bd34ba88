"""The Redis connection: REDIS_URL, or the embedded server's address."""

from functools import lru_cache

import redis

from compraagil.config import get_settings


def redis_url() -> str:
    """REDIS_URL when set; otherwise the embedded server's loopback address."""
    settings = get_settings()
    return settings.redis_url or f"redis://127.0.0.1:{settings.embedded_redis_port}/0"


@lru_cache
def get_redis() -> redis.Redis:
    """The process-wide client, with short timeouts so a dead server fails fast."""
    return redis.Redis.from_url(redis_url(), socket_connect_timeout=1, socket_timeout=2)
