"""Alerts on a real database: an import brings a matching tender → one inbox notice and one mail; an
unchanged re-sync or a change to a tender already sent sends nothing; paused alerts get nothing; the
filters, the digest, deadline reminders, the plan's cap, companies kept apart; a killed worker sends
each mail once."""

import asyncio
import copy
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

import psutil
import pytest
from aiosmtpd.controller import Controller
from rq import Retry
from rq.job import JobStatus
from sqlalchemy import text

from compraagil import after_import
from compraagil.alerts import service
from compraagil.alerts.delivery import deliver
from compraagil.alerts.logic import AlertInput, Channel, Frequency
from compraagil.alerts.matching import match_pending_runs
from compraagil.alerts.reminders import create_reminders
from compraagil.config import PROJECT_ROOT, child_environment, get_settings
from compraagil.db import session_scope
from compraagil.devservices import free_port
from compraagil.errors import NotFound, QuotaExceeded
from compraagil.ingest.api_v2.files import import_records
from compraagil.mail.devserver import read_messages, start_dev_mail_server
from compraagil.pipeline.service import save_tender
from jobs.queues import ALERTS, get_queue
from jobs.tasks.alerts import register_after_import
from tests.factories import GLOVES_RECORD, PAPER_RECORD, call, new_alert, record, sync, user_account


@pytest.fixture
def mail(tmp_path, monkeypatch):
    server = start_dev_mail_server(tmp_path / "mail", free_port(), echo=False)
    monkeypatch.setattr(get_settings(), "smtp_url", server.url)
    yield server
    server.stop()


def mails(server) -> list[tuple[str, str]]:
    return [(message["To"], message["Subject"]) for message in read_messages(server.folder)]


def test_a_sync_brings_a_matching_tender_to_the_inbox_and_one_mail(mail):
    ana = user_account("ana@ferreteria.cl")
    new_alert(ana, name="Guantes", text="guante nitrilo")
    sync(GLOVES_RECORD, PAPER_RECORD)

    (entry,) = call(service.inbox, user_id=ana)
    assert (entry.codigo, entry.heading, entry.read) == ("1001-1-COT26", "Guantes", False)
    assert call(service.unread_count, user_id=ana) == 1
    assert mails(mail) == [
        ("ana@ferreteria.cl", "Nueva Compra Ágil para «Guantes»: Guantes de nitrilo talla M")
    ]
    body = read_messages(mail.folder)[0].get_content()
    assert (
        "/licitacion/1001-1-COT26" in body
        and "$150.000" in body
        and "Ilustre Municipalidad de Chillán" in body
    )
    assert call(service.mark_read, user_id=ana, notice_id=entry.id) == 1
    assert call(service.unread_count, user_id=ana) == 0


def test_an_unchanged_resync_or_a_changed_tender_already_sent_sends_nothing(mail):
    ana = user_account("ana@ferreteria.cl")
    new_alert(ana, text="guantes")
    sync(GLOVES_RECORD)
    sync(GLOVES_RECORD)
    changed = copy.deepcopy(GLOVES_RECORD)
    changed["presupuesto"].update(monto_disponible=180_000, monto_disponible_clp=180_000)
    sync(changed)

    with session_scope() as session:
        runs = session.execute(
            text("SELECT rows_inserted, rows_updated, rows_unchanged FROM import_runs ORDER BY id")
        ).all()
        checks = session.execute(text("SELECT tenders, notices FROM alert_run_checks ORDER BY run_id")).all()
    assert [tuple(run) for run in runs] == [(1, 0, 0), (0, 0, 1), (0, 1, 0)]
    assert [tuple(check) for check in checks] == [(1, 1), (0, 0), (1, 0)]
    assert len(call(service.inbox, user_id=ana)) == 1 and len(mails(mail)) == 1


def test_a_tender_changed_to_match_is_sent_and_paused_alerts_get_nothing(mail):
    ana, beto = user_account("ana@ferreteria.cl"), user_account("beto@ferreteria.cl")
    new_alert(ana, text="nitrilo")
    paused = new_alert(beto, text="nitrilo")
    call(service.set_active, user_id=beto, alert_id=paused.id, active=False)
    before = record("1001-1-COT26", "Guantes de látex")
    sync(before)
    assert call(service.inbox, user_id=ana) == []
    sync(GLOVES_RECORD)
    assert [e.codigo for e in call(service.inbox, user_id=ana)] == ["1001-1-COT26"]
    assert call(service.inbox, user_id=beto) == [] and [to for to, _ in mails(mail)] == ["ana@ferreteria.cl"]


def test_filters_region_amount_and_organismo_and_channels(mail):
    ana = user_account("ana@ferreteria.cl")
    new_alert(ana, name="Ñuble", text="guantes", region=16, channels=[Channel.INBOX])
    new_alert(ana, name="Santiago", text="guantes", region=13)
    new_alert(ana, name="Grandes", text="guantes", min_amount=1_000_000)
    new_alert(ana, name="Chillán", organismo="municipalidad de chillan", max_amount=200_000)
    new_alert(ana, name="Otro organismo", text="guantes", organismo="Hospital de Talca")
    sync(GLOVES_RECORD)
    headings = sorted(e.heading for e in call(service.inbox, user_id=ana))
    assert headings == ["Chillán", "Ñuble"]
    (message,) = read_messages(mail.folder)
    assert "Chillán" in message.get_content() and "Ñuble" not in message.get_content()


def test_daily_alerts_wait_for_the_digest_which_groups_them(mail):
    ana = user_account("ana@ferreteria.cl")
    new_alert(ana, name="Guantes", text="guantes", frequency=Frequency.DAILY)
    new_alert(ana, name="Resmas", text="resmas", frequency=Frequency.DAILY)
    sync(GLOVES_RECORD, PAPER_RECORD)
    assert mails(mail) == [] and len(call(service.inbox, user_id=ana)) == 2
    report = call(deliver, frequency=Frequency.DAILY)
    assert (report.sent, report.failed) == (2, 0)
    ((to, subject),) = mails(mail)
    assert subject == "2 nuevas Compras Ágiles para tus alertas"
    assert call(deliver, frequency=Frequency.DAILY).sent == 0


def test_a_failed_mail_is_logged_kept_pending_and_sent_later(mail, monkeypatch):
    ana = user_account("ana@ferreteria.cl")
    new_alert(ana, text="guantes")
    monkeypatch.setattr(get_settings(), "smtp_url", f"smtp://127.0.0.1:{free_port()}")
    sync(GLOVES_RECORD)
    with session_scope() as session:
        status, reason, attempts = session.execute(
            text("SELECT status, reason, attempts FROM alert_deliveries")
        ).one()
    assert (status, attempts) == ("failed", 1) and reason.startswith("No pudimos enviar el correo")
    monkeypatch.setattr(get_settings(), "smtp_url", mail.url)
    assert call(deliver, frequency=Frequency.INSTANT).sent == 1
    with session_scope() as session:
        assert session.execute(text("SELECT status, reason, attempts FROM alert_deliveries")).one() == (
            "sent",
            None,
            2,
        )
    assert len(mails(mail)) == 1


def test_an_unverified_email_is_skipped_with_the_reason(mail):
    ana = user_account("ana@ferreteria.cl")
    new_alert(ana, text="guantes")
    with session_scope() as session:
        session.execute(text("UPDATE users SET email_verified_at = NULL"))
    sync(GLOVES_RECORD)
    with session_scope() as session:
        assert session.execute(text("SELECT status, reason FROM alert_deliveries")).one() == (
            "skipped",
            "correo sin verificar",
        )
    assert mails(mail) == [] and len(call(service.inbox, user_id=ana)) == 1


def test_deadline_reminders_at_48_and_24_hours_once_each(mail):
    ana = user_account("ana@ferreteria.cl")
    import_records([record("2002-1-COT26", "Cloro gel", closes_in=timedelta(hours=40))], source="test")
    call(match_pending_runs)
    with session_scope() as session:
        company = session.execute(
            text("SELECT company_id FROM users WHERE id = :id"), {"id": ana}
        ).scalar_one()
        save_tender(session=session, user_id=ana, company_id=company, codigo="2002-1-COT26")
    assert call(create_reminders) == 1
    assert call(create_reminders) == 0
    assert call(create_reminders, now=datetime.now(UTC) + timedelta(hours=20)) == 1
    call(deliver, frequency=Frequency.INSTANT)
    assert [e.heading for e in call(service.inbox, user_id=ana)] == [
        "Cierra en menos de 24 horas",
        "Cierra en menos de 48 horas",
    ]
    assert [subject for _, subject in mails(mail)] == ["2 cotizaciones cierran pronto"]


def test_the_plan_caps_alerts():
    free, small = (
        user_account("free@ferreteria.cl", "FREE"),
        user_account("small@ferreteria.cl", "EMPRENDEDOR"),
    )
    with pytest.raises(QuotaExceeded, match="no incluye alertas"):
        new_alert(free, text="guantes")
    for word in ("guantes", "resmas", "cloro"):
        new_alert(small, text=word)
    with pytest.raises(QuotaExceeded, match="Usaste tus 3 alertas"):
        new_alert(small, text="toner")
    assert call(service.alert_usage, user_id=small) == service.Usage(3, 3)
    paused = call(service.list_alerts, user_id=small)[0]
    call(service.set_active, user_id=small, alert_id=paused.id, active=False)
    with pytest.raises(QuotaExceeded):
        new_alert(small, text="toner")
    call(service.delete_alert, user_id=small, alert_id=paused.id)
    new_alert(small, text="toner")


def test_companies_are_kept_apart(mail):
    ana, eva = user_account("ana@ferreteria.cl"), user_account("eva@distribuidora.cl")
    mine = new_alert(ana, text="guantes")
    sync(GLOVES_RECORD)
    for attempt in (
        lambda: call(service.update_alert, user_id=eva, alert_id=mine.id, fields=AlertInput(text="x")),
        lambda: call(service.set_active, user_id=eva, alert_id=mine.id, active=False),
        lambda: call(service.delete_alert, user_id=eva, alert_id=mine.id),
    ):
        with pytest.raises(NotFound):
            attempt()
    (entry,) = call(service.inbox, user_id=ana)
    assert call(service.mark_read, user_id=eva, notice_id=entry.id) == 0
    assert call(service.list_alerts, user_id=eva) == [] and call(service.inbox, user_id=eva) == []
    assert call(service.unread_count, user_id=ana) == 1


def test_a_landed_import_enqueues_the_matching(monkeypatch):
    monkeypatch.setattr(after_import, "_steps", [])
    register_after_import()
    import_records([copy.deepcopy(GLOVES_RECORD)], source="test")
    assert [job.func_name for job in get_queue(ALERTS).get_jobs()] == ["jobs.tasks.alerts.match_alerts"]


class HoldSecondMail:
    """An SMTP server that keeps every message except the second, which it holds until released and
    then refuses: the sender is killed while it waits for the «250 OK»."""

    def __init__(self) -> None:
        self.kept: list[str] = []
        self.seen = 0
        self.holding, self.release = threading.Event(), threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:
        self.seen += 1
        if self.seen == 2:
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
            return "451 interrumpido"
        self.kept.extend(envelope.rcpt_tos)
        return "250 OK"


def test_a_worker_killed_mid_delivery_sends_each_mail_once(services):
    users = [user_account(f"{name}@ferreteria.cl") for name in ("ana", "beto", "carla")]
    for user in users:
        new_alert(user, text="guantes")
    import_records([copy.deepcopy(GLOVES_RECORD)], source="test")
    call(match_pending_runs)
    handler = HoldSecondMail()
    smtp = Controller(handler, hostname="127.0.0.1", port=free_port())
    smtp.start()
    job = get_queue(ALERTS).enqueue("jobs.tasks.alerts.deliver_instant", retry=Retry(max=2))
    env = child_environment(
        DATABASE_URL=services.database_url,
        REDIS_URL=services.redis_url,
        SMTP_URL=f"smtp://127.0.0.1:{smtp.port}",
    )
    worker = [sys.executable, "-m", "jobs.worker", "--queues", ALERTS, "--burst"]
    try:
        first = subprocess.Popen(
            worker, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        assert handler.holding.wait(60), first.stderr.read() if first.poll() is not None else "no second mail"
        for horse in psutil.Process(first.pid).children():
            horse.kill()
        handler.release.set()
        first.wait(120)
        for _ in range(2):  # the retry is due at once; a second burst picks it up if the first ended first
            job.refresh()
            if job.get_status() == JobStatus.FINISHED:
                break
            subprocess.run(worker, cwd=PROJECT_ROOT, env=env, capture_output=True, timeout=120)
    finally:
        smtp.stop()
    job.refresh()
    assert job.get_status() == JobStatus.FINISHED
    assert handler.seen == 4, "the mail in flight when the worker died is sent again"
    assert sorted(handler.kept) == ["ana@ferreteria.cl", "beto@ferreteria.cl", "carla@ferreteria.cl"]
    with session_scope() as session:
        assert (
            session.execute(text("SELECT count(*) FROM alert_notices WHERE pending <> '{}'")).scalar_one()
            == 0
        )
        assert session.execute(text("SELECT status, count(*) FROM alert_deliveries GROUP BY 1")).all() == [
            ("sent", 3)
        ]
