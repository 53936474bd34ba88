"""Real services for the tests that ask for them: one embedded PostgreSQL and one Redis per session."""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from compraagil import devservices, migrations


@dataclass(frozen=True)
class Services:
    database_url: str
    redis_url: str
    root: Path


def use_services(database_url: str, redis_url: str) -> None:
    """Point the core's settings and cached clients at these servers."""
    from compraagil.config import get_settings
    from compraagil.db import get_engine
    from compraagil.redis_client import get_redis

    os.environ["DATABASE_URL"] = database_url
    os.environ["REDIS_URL"] = redis_url
    for cached in (get_settings, get_redis):
        cached.cache_clear()
    if get_engine.cache_info().currsize:
        get_engine().dispose()
    get_engine.cache_clear()


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    root = tmp_path_factory.mktemp("services")
    postgres = devservices.start_postgres(root / "postgres")
    redis = devservices.start_redis(root / "redis", devservices.free_port())
    try:
        migrations.upgrade(postgres.url)
        use_services(postgres.url, redis.url)
        yield Services(database_url=postgres.url, redis_url=redis.url, root=root)
    finally:
        redis.stop()
        postgres.stop()
