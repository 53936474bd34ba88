"""/metrics: the backend's routes counted and timed by route template (never an id), the jobs of
every queue by state and the newest backup's time, read when scraped (the same whichever process
answers)."""

from datetime import datetime

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from compraagil.backups.service import backup
from compraagil.config import get_settings
from compraagil.db import libpq_url
from compraagil_web.api import api
from jobs.queues import EXPORTS, get_queue


def samples() -> dict[tuple[str, frozenset], float]:
    text = TestClient(api).get("/metrics").text
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
