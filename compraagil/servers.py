"""Point a running process at other servers (tests and benchmarks start their own)."""

from compraagil.config import set_server_urls
from compraagil.db import reset_engine
from compraagil.redis_client import get_redis


def use_servers(database_url: str, redis_url: str) -> None:
    """From now on, sessions and the cache go to these servers."""
    set_server_urls(database_url, redis_url)
    get_redis.cache_clear()
    reset_engine()
