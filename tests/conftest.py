"""Real services for the tests that ask for them: one embedded PostgreSQL and one Redis per session."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from compraagil import devservices, migrations
from compraagil.servers import use_servers


@dataclass
class Services:
    database_url: str
    redis_url: str
    root: Path
    redis: devservices.EmbeddedRedis

    def stop_redis(self) -> None:
        self.redis.stop()

    def start_redis(self) -> None:
        port = int(self.redis_url.rsplit(":", 1)[1].split("/")[0])
        self.redis = devservices.start_redis(self.root / "redis", port)


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    root = tmp_path_factory.mktemp("services")
    postgres = devservices.start_postgres(root / "postgres")
    redis = devservices.start_redis(root / "redis", devservices.free_port())
    running = Services(database_url=postgres.url, redis_url=redis.url, root=root, redis=redis)
    try:
        migrations.upgrade(postgres.url)
        use_servers(postgres.url, redis.url)
        yield running
    finally:
        running.redis.stop()
        postgres.stop()
