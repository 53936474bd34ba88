"""Excel exports end to end below the page: a real RQ worker writes valid workbooks, quotas follow the
plan, the download route serves a company's own files only, a failing job leaves no file and gives
the use back, and old exports are deleted."""

import gc
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from rq import SimpleWorker
from rq.job import Callback
from sqlalchemy import text

from compraagil.accounts.sessions import create_session
from compraagil.config import PROJECT_ROOT, child_environment, get_settings
from compraagil.db import session_scope
from compraagil.errors import NotFound, QuotaExceeded
from compraagil.exports import service
from compraagil.exports.files import export_path
from compraagil.models import Export
from compraagil.pipeline.service import edit_item, save_tender
from compraagil.redis_client import get_redis
from compraagil_web.api import api
from compraagil_web.state import SESSION_COOKIE
from jobs import queues
from tests.factories import ME, WON, Y, call, company_owner, cot_history, quote


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Exports go under this test's own data folder (the worker is told the same)."""
    folder = tmp_path / "data"
    monkeypatch.setenv("DATA_DIR", str(folder))
    get_settings.cache_clear()
    yield folder
    get_settings.cache_clear()


def ask(kind: str, user: int, company: int, params: dict | None = None, enqueue=queues.enqueue_export):
    return call(
        service.request_export,
        user_id=user,
        company_id=company,
        kind=kind,
        params=params or {},
        enqueue=enqueue,
    )


def used(company: int) -> int:
    with session_scope() as session:
        return session.execute(
            text("SELECT coalesce(sum(used), 0) FROM usage_counters WHERE company_id = :c AND feature = 'excel_exports'"),
            {"c": company},
        ).scalar_one()  # fmt: skip


def run_worker(services, data_dir) -> None:
    env = child_environment(
        DATABASE_URL=services.database_url, REDIS_URL=services.redis_url, DATA_DIR=str(data_dir)
    )
    done = subprocess.run(
        [sys.executable, "-m", "jobs.worker", "--queues", queues.EXPORTS, "--burst"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def signed_in(user: int) -> TestClient:
    with session_scope() as session:
        token = create_session(session=session, user_id=user)
    client = TestClient(api)
    client.cookies.set(SESSION_COOKIE, token)
    return client


def test_a_real_worker_writes_each_kind_of_workbook(tmp_path, services, data_dir):
    cot_history(tmp_path, "h.csv", [quote(WON, ME, "1234567", won=True), quote(WON, Y, "1300000")])
    user, company = company_owner("ana@nandu.cl", rut=ME["RUTProveedor"], plan="PROFESIONAL")
    card = call(save_tender, user_id=user, company_id=company, codigo=WON)
    call(
        edit_item,
        user_id=user,
        company_id=company,
        item_id=card.id,
        quoted_amount=1234567,
        notes="ok",
        remind_on=None,
    )
    tickets = {
        "pipeline": ask("pipeline", user, company),
        "busqueda": ask("busqueda", user, company, {"text": "baterías"}),
        "resultados": ask("resultados", user, company, {"months": 36}),
        "precios": ask("precios", user, company, {"product": "baterías", "months": 60}),
    }  # fmt: skip
    assert queues.job_progress(tickets["pipeline"].id).state == queues.QUEUED
    run_worker(services, data_dir)
    for ticket in tickets.values():
        assert queues.job_progress(ticket.id) == queues.JobProgress(queues.DONE, 100)
    books = {
        kind: load_workbook(call(service.download, company_id=company, export_id=ticket.id).path)
        for kind, ticket in tickets.items()
    }
    saved = books["pipeline"]["Pipeline"]
    assert saved["A1"].value == "Código" and saved["A1"].font.bold and saved.freeze_panes == "A2"
    assert saved["A2"].value == WON
    assert (saved["G2"].value, saved["G2"].number_format) == (1234567, '"$"#,##0')
    assert saved["E2"].value == "Evaluando"
    found = books["busqueda"]["Resultados"]
    assert found["A2"].value == WON and found["F2"].number_format == "dd-mm-yyyy"
    assert books["resultados"].sheetnames == [
        "Cotizaciones",
        "Éxito por producto",
        "Éxito por organismo",
        "Rivales",
    ]
    mine = books["resultados"]["Cotizaciones"]
    assert (mine["A2"].value, mine["F2"].value, mine["H2"].value, mine["M2"].value) == (
        WON,
        "Ganada",
        1234567,
        1,
    )
    assert books["precios"].sheetnames == ["Resumen", "Percentiles", "Meses", "Proveedores"]
    assert tickets["pipeline"].file_name.startswith("compraagil-pipeline-")
    assert used(company) == 4


def test_the_route_serves_only_the_companys_own_files(tmp_path, services, data_dir):
    cot_history(tmp_path, "h.csv", [quote(WON, Y, "1000")])
    user, company = company_owner("ana@nandu.cl", plan="PYME")
    other, _ = company_owner("beto@otra.cl", plan="PYME")
    ticket = ask("pipeline", user, company)
    run_worker(services, data_dir)
    url = f"/api/exports/{ticket.id}"
    mine = signed_in(user).get(url)
    assert mine.status_code == 200
    assert mine.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert (
        "attachment" in mine.headers["content-disposition"]
        and ticket.file_name in mine.headers["content-disposition"]
    )
    assert mine.content[:2] == b"PK"
    assert signed_in(other).get(url).status_code == 404
    assert TestClient(api).get(url).status_code == 404
    assert signed_in(user).get("/api/exports/no-es-un-id").status_code == 404
    unknown = ticket.id[:-1] + ("1" if ticket.id.endswith("0") else "0")
    assert signed_in(user).get(f"/api/exports/{unknown}").status_code == 404


def test_quotas_follow_the_plan(services):
    user, company = company_owner("ana@nandu.cl", plan="FREE")
    with pytest.raises(QuotaExceeded, match="Emprendedor"):
        ask("pipeline", user, company, enqueue=lambda export_id: None)
    user, company = company_owner("beto@nandu.cl", plan="EMPRENDEDOR")
    for _ in range(10):
        ask("pipeline", user, company, enqueue=lambda export_id: None)
    with pytest.raises(QuotaExceeded, match="Usaste tus 10"):
        ask("pipeline", user, company, enqueue=lambda export_id: None)
    assert used(company) == 10


def test_a_request_that_cannot_be_queued_gives_the_use_back(services):
    user, company = company_owner("ana@nandu.cl", plan="PYME")

    def redis_down(export_id: str) -> None:
        raise ConnectionError("redis down")

    with pytest.raises(ConnectionError):
        ask("pipeline", user, company, enqueue=redis_down)
    assert used(company) == 0
    with session_scope() as session:
        assert session.execute(text("SELECT status FROM exports")).scalar_one() == "fallida"


def test_an_invalid_request_counts_nothing(services):
    user, company = company_owner("ana@nandu.cl", plan="PYME")
    with pytest.raises(Exception, match="3 letras"):
        ask("precios", user, company, {"product": "ab"}, enqueue=lambda export_id: None)
    assert used(company) == 0


@pytest.fixture
def full_disk(tmp_path, monkeypatch):
    """DATA_DIR on a small filesystem of its own (tmpfs), filled up but for a few kilobytes: a
    workbook cannot be written there, as on a full disk."""
    if os.geteuid() != 0 and not os.environ.get("CI"):
        pytest.skip("mounting a small filesystem needs root (CI runs as root, and there it must run)")
    folder = tmp_path / "small-disk"
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(folder)], check=True)
    try:
        (folder / "filler").write_bytes(b"\0" * (508 * 1024))  # 4 KB left: less than any workbook
        monkeypatch.setenv("DATA_DIR", str(folder))
        get_settings.cache_clear()
        yield folder
    finally:
        get_settings.cache_clear()
        gc.collect()  # the failed workbook's zip handle closes when collected
        subprocess.run(["umount", "--lazy", str(folder)], check=True)


def test_a_full_disk_fails_the_export_clearly_leaves_no_file_and_gives_the_use_back(
    tmp_path, services, full_disk
):
    cot_history(tmp_path, "h.csv", [quote(WON, Y, "1000")])
    user, company = company_owner("ana@nandu.cl", plan="PYME")
    call(save_tender, user_id=user, company_id=company, codigo=WON)

    def last_attempt(export_id: str) -> None:
        queues.get_queue(queues.EXPORTS).enqueue(
            "jobs.tasks.exports.build", export_id, job_id=export_id,
            on_failure=Callback("jobs.tasks.exports.on_failure"),
        )  # fmt: skip

    ticket = ask("pipeline", user, company, enqueue=last_attempt)
    assert used(company) == 1
    SimpleWorker([queues.get_queue(queues.EXPORTS)], connection=get_redis()).work(burst=True)
    job = queues.get_queue(queues.EXPORTS).fetch_job(ticket.id)
    assert queues.job_progress(ticket.id).state == queues.FAILED
    assert "No space left on device" in job.latest_result().exc_string
    assert sorted(p.name for p in full_disk.rglob("*") if p.is_file()) == ["filler"]
    assert used(company) == 0
    with pytest.raises(NotFound):
        call(service.download, company_id=company, export_id=ticket.id)


def test_exports_older_than_a_day_are_deleted(services, data_dir):
    user, company = company_owner("ana@nandu.cl", plan="PYME")
    old = ask("pipeline", user, company, enqueue=lambda export_id: None)
    new = ask("pipeline", user, company, enqueue=lambda export_id: None)
    for ticket in (old, new):
        path = export_path(company, ticket.id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"PK")
    with session_scope() as session:
        session.get(Export, old.id).created_at = datetime.now(UTC) - timedelta(days=2)
        session.commit()
        assert service.delete_expired(session=session) == 1
        assert session.get(Export, old.id) is None and session.get(Export, new.id) is not None
    assert not export_path(company, old.id).exists() and export_path(company, new.id).exists()
