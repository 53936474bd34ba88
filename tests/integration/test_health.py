import subprocess
import sys

from fastapi.testclient import TestClient
from rq import Retry
from rq.job import JobStatus

from compraagil.config import PROJECT_ROOT, child_environment
from compraagil.servers import use_servers
from compraagil_web.api import api
from jobs.queues import get_queue
from jobs.tasks.health import health


def test_healthz_reports_both_dependencies(services):
    response = TestClient(api).get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_healthz_is_503_when_the_database_is_down(services):
    use_servers("postgresql+psycopg://nobody@127.0.0.1:9/none", services.redis_url)
    try:
        response = TestClient(api).get("/healthz")
    finally:
        use_servers(services.database_url, services.redis_url)
    assert response.status_code == 503
    assert response.json()["database"].startswith("error")
    assert response.json()["redis"] == "ok"


def test_healthz_stays_up_when_redis_is_down(services):
    use_servers(services.database_url, "redis://127.0.0.1:9/0")
    try:
        response = TestClient(api).get("/healthz")
    finally:
        use_servers(services.database_url, services.redis_url)
    assert response.status_code == 200
    assert response.json()["redis"].startswith("error")


def test_metrics_are_prometheus_text(services):
    response = TestClient(api).get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "compraagil_import_rows_total" in response.text


def test_health_job_runs_in_a_real_worker_process(services):
    job = get_queue("default").enqueue(health)
    env = child_environment(DATABASE_URL=services.database_url, REDIS_URL=services.redis_url)
    finished = subprocess.run(
        [sys.executable, "-m", "jobs.worker", "--queues", "default", "--burst"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    job.refresh()
    assert job.get_status() == JobStatus.FINISHED
    assert job.return_value() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_a_killed_work_horse_is_retried(services, tmp_path):
    job = get_queue("default").enqueue(
        "tests.integration.crashing_job.crash_once", str(tmp_path / "marker"), retry=Retry(max=2)
    )
    env = child_environment(DATABASE_URL=services.database_url, REDIS_URL=services.redis_url)
    for _ in range(2):  # the retry is due at once; a second burst picks it up if the first ended first
        subprocess.run(
            [sys.executable, "-m", "jobs.worker", "--queues", "default", "--burst"],
            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        job.refresh()
        if job.get_status() == JobStatus.FINISHED:
            break
    assert (tmp_path / "marker").exists()
    assert job.get_status() == JobStatus.FINISHED
    assert job.return_value() == "finished on retry"
