"""`make scaled` in a fresh data folder, in Chromium: nginx before two web processes that share their
state in Redis, PgBouncer, a streaming replica serving search and prices, and the workers on their
own pool. A session goes through every part; a web process killed mid-session costs no page."""

import configparser
import os
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis
from playwright.sync_api import Browser, Page, expect

from compraagil.scaled import pgbouncer
from tests.e2e.conftest import RunningProduct, start_product

WEB_PROCESSES = 2


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningProduct]:
    root = tmp_path_factory.mktemp("scaled")
    running = start_product(
        root / "var", root / "run.log", arguments=("--scaled", "--web", str(WEB_PROCESSES), "--workers", "1")
    )
    yield running
    assert running.stop() == 0


def search_and_open_a_tender(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/buscar?q=guantes")
    rows = page.locator("a[href^='/licitacion/']")
    expect(rows.first).to_be_visible(timeout=30_000)
    rows.first.click()
    expect(page.get_by_text("Tu cotización sugerida")).to_be_visible(timeout=30_000)


def event_upstreams(data_dir: Path) -> set[str]:
    """The web processes nginx passed event sockets to (logged when a socket closes)."""
    log = (data_dir / "scaled" / "nginx" / "access.log").read_text()
    return set(re.findall(r'"GET /_event\S* HTTP/1.1" 101 .* upstream=(\S+)', log))


def pool_transactions(data_dir: Path) -> dict[str, int]:
    """Transactions each PgBouncer pool has served so far."""
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(data_dir / "scaled" / "pgbouncer" / "pgbouncer.ini")
    port = ini["pgbouncer"]["listen_port"]
    admin = f"postgresql://postgres@127.0.0.1:{port}/pgbouncer"
    with psycopg.connect(admin, autocommit=True, row_factory=psycopg.rows.dict_row) as conn:
        return {row["database"]: row["total_xact_count"] for row in conn.execute("SHOW STATS")}


def web_process_pids(log_path: Path) -> dict[str, int]:
    """The newest pid of each web process, from the supervisor's «started web-N (pid P)» lines."""
    return {
        name: int(pid) for name, pid in re.findall(r"started (web-\d+) \(pid (\d+)\)", log_path.read_text())
    }


def test_a_session_goes_through_every_part(scaled: RunningProduct, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="es-CL")
    scaled.sign_in(context)
    for _ in range(2 * WEB_PROCESSES):  # new tabs, new sockets: nginx takes turns
        tab = context.new_page()
        search_and_open_a_tender(tab, scaled.base_url)
        tab.goto(f"{scaled.base_url}/precios?producto=guantes")
        expect(tab.get_by_text("Precio sugerido").first).to_be_visible(timeout=30_000)
    context.close()

    deadline = time.monotonic() + 15  # nginx logs a socket once it has closed: soon after, not at once
    while len(upstreams := event_upstreams(scaled.data_dir)) < WEB_PROCESSES:
        assert time.monotonic() < deadline, f"every event socket went to {upstreams}"
        time.sleep(0.2)
    states = redis.Redis.from_url(scaled.redis_url).keys("*_reflex___state____state*")
    assert states, "the web processes keep page state in Redis"
    served = pool_transactions(scaled.data_dir)
    assert served[pgbouncer.READS] > 0 and served[pgbouncer.WEB] > 0
    deadline = time.monotonic() + 150
    while pool_transactions(scaled.data_dir).get(pgbouncer.JOBS, 0) == 0:  # the periodic jobs, each minute
        assert time.monotonic() < deadline, "the worker's jobs did not go through their pool"
        time.sleep(2)
    replica = f"postgresql://postgres@/compraagil?host={scaled.data_dir / 'postgres-replica'}"
    with psycopg.connect(replica) as conn:
        assert conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]


def test_a_killed_web_process_costs_no_page(scaled: RunningProduct, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="es-CL")
    scaled.sign_in(context)
    page = context.new_page()
    search_and_open_a_tender(page, scaled.base_url)
    killed = web_process_pids(scaled.log_path)["web-1"]
    os.killpg(killed, signal.SIGKILL)
    for _ in range(3):  # the other process answers meanwhile; the tab's socket reconnects to it
        search_and_open_a_tender(page, scaled.base_url)
    context.close()
    deadline = time.monotonic() + 60
    while web_process_pids(scaled.log_path)["web-1"] == killed:
        assert time.monotonic() < deadline, "the supervisor did not start web-1 again"
        time.sleep(0.5)
