"""/metrics: the backend's routes counted and timed by route template (never an id), the jobs of
every queue by state and the newest backup's time, read when scraped (the same whichever process
answers); what a forked worker's job and a CLI import count reaches /metrics through Redis."""

import subprocess
import sys
from datetime import datetime

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from compraagil.backups.service import backup
from compraagil.config import PROJECT_ROOT, child_environment, get_settings
from compraagil.db import libpq_url
from compraagil_web.api import api
from jobs.queues import EXPORTS, get_queue
from tests.cot_files import header, row, write_csv


def samples(scope: str = "all") -> dict[tuple[str, frozenset], float]:
    text = TestClient(api).get("/metrics", params={"scope": scope}).text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_routes_are_counted_and_timed_by_template(services):
    before = samples().get(
        (
            "compraagil_http_requests_total",
            frozenset({"route": "/healthz", "method": "GET", "status": "200"}.items()),
        ),
        0,
    )
    client = TestClient(api)
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/exports/no-existe").status_code == 404
    after = samples()
    healthz = frozenset({"route": "/healthz", "method": "GET", "status": "200"}.items())
    assert after[("compraagil_http_requests_total", healthz)] == before + 1
    missing = frozenset({"route": "/api/exports/{export_id}", "method": "GET", "status": "404"}.items())
    assert after[("compraagil_http_requests_total", missing)] >= 1
    timed = frozenset({"route": "/healthz", "method": "GET"}.items())
    assert after[("compraagil_http_request_duration_seconds_count", timed)] >= 1


def test_several_web_machines_are_scraped_for_their_own_counts_and_once_for_the_shared_figures(services):
    TestClient(api).get("/healthz")
    names = {scope: {name for name, _ in samples(scope)} for scope in ("all", "local", "shared")}
    assert "compraagil_http_requests_total" in names["local"] - names["shared"]
    assert "compraagil_jobs" in names["shared"] - names["local"]
    assert names["local"] | names["shared"] == names["all"] and not names["local"] & names["shared"]
    assert TestClient(api).get("/metrics", params={"scope": "mine"}).status_code == 422


def test_jobs_are_counted_by_queue_and_state(services):
    for _ in range(2):
        get_queue(EXPORTS).enqueue("jobs.tasks.health.health")
    figures = samples()
    assert figures[("compraagil_jobs", frozenset({"queue": "exports", "state": "queued"}.items()))] == 2
    assert figures[("compraagil_jobs", frozenset({"queue": "ml", "state": "failed"}.items()))] == 0


def test_the_newest_backups_time_is_exposed(services, monkeypatch, tmp_path):
    monkeypatch.setattr(get_settings(), "data_dir", tmp_path)
    assert not any(name == "compraagil_backup_last_taken_timestamp_seconds" for name, _ in samples())
    made = backup(database=libpq_url(services.database_url))
    taken = datetime.fromisoformat(made.manifest["taken_at"]).timestamp()
    assert samples()[("compraagil_backup_last_taken_timestamp_seconds", frozenset())] == taken


def _run(services, *args: str) -> None:
    env = child_environment(DATABASE_URL=services.database_url, REDIS_URL=services.redis_url)
    done = subprocess.run(
        [sys.executable, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr


def test_what_worker_jobs_and_cli_imports_count_reaches_metrics(services, tmp_path):
    lines = [row(CodigoCotizacion=f"77-{n}-COT26", ProductoCotizado=f"Producto {n}") for n in range(3)]
    _run(services, "-m", "compraagil", "import", str(write_csv(tmp_path / "cot.csv", [header(), *lines])))
    get_queue(EXPORTS).enqueue("jobs.tasks.health.health")
    _run(services, "-m", "jobs.worker", "--queues", EXPORTS, "--burst")  # RQ forks a process for the job

    figures = samples()
    inserted = frozenset({"source": "cot", "outcome": "inserted"}.items())
    assert figures[("compraagil_import_rows_total", inserted)] == 3
    job = frozenset({"queue": "exports", "task": "health.health", "outcome": "ok"}.items())
    assert figures[("compraagil_job_duration_seconds_count", job)] == 1
    assert 0 < figures[("compraagil_job_duration_seconds_sum", job)] < 60
    assert figures[("compraagil_job_duration_seconds_bucket", job | {("le", "+Inf")})] == 1
