"""Alerts pushed by Telegram through the fake Bot API: one message per user with the tender's deep
link, paced per chat; a 429 storm waited out (`retry_after`) with nothing lost or doubled; a user who
blocked the bot logged once and unlinked, never retried; a worker killed mid-batch loses nothing and
sends nothing twice."""

import copy
import subprocess
import sys
import time

import psutil
import pytest
from rq import Retry
from rq.job import JobStatus
from sqlalchemy import text

from compraagil.alerts.delivery import deliver
from compraagil.alerts.logic import Frequency
from compraagil.alerts.matching import match_pending_runs
from compraagil.config import PROJECT_ROOT, child_environment, get_settings
from compraagil.db import session_scope
from compraagil.ingest.api_v2.files import import_records
from compraagil.models import TelegramLink
from jobs.queues import ALERTS, get_queue
from tests.factories import GLOVES_RECORD, call, new_alert, user_account
from tests.fakes.telegram import BLOCKED, TOKEN, Failure, FakeTelegram


@pytest.fixture
def telegram(services, monkeypatch):
    fake = FakeTelegram().start()
    monkeypatch.setattr(get_settings(), "telegram_token", TOKEN)
    monkeypatch.setattr(get_settings(), "telegram_api_url", fake.url)
    yield fake
    fake.stop()


def subscriber(name: str, chat_id: int) -> int:
    user_id = user_account(f"{name}@ferreteria.cl")
    new_alert(user_id, name="Guantes", text="guantes", channels=["inbox", "telegram"])
    with session_scope() as session:
        session.add(TelegramLink(user_id=user_id, chat_id=chat_id))
    return user_id


def land_gloves() -> None:
    import_records([copy.deepcopy(GLOVES_RECORD)], source="test")
    call(match_pending_runs)


def statuses() -> list[tuple[str, str, int]]:
    with session_scope() as session:
        rows = session.execute(
            text(
                "SELECT status, coalesce(reason, ''), attempts FROM alert_deliveries WHERE channel = 'telegram' ORDER BY id"
            )
        )
        return [tuple(row) for row in rows]


def test_a_matching_tender_is_pushed_once_with_its_deep_link(telegram):
    subscriber("ana", 101)
    land_gloves()
    report = call(deliver, frequency=Frequency.INSTANT)
    assert report.sent == 1
    [message] = telegram.messages_to(101)
    assert "Guantes de nitrilo talla M" in message.text
    assert "http://localhost:3000/licitacion/1001-1-COT26" in message.text
    [open_it, save_it], [inbox] = message.reply_markup["inline_keyboard"]
    assert open_it == {"text": "Abrir 1001-1-COT26", "url": "http://localhost:3000/licitacion/1001-1-COT26"}
    assert save_it == {"text": "Guardar", "callback_data": "guardar:1001-1-COT26"}
    assert inbox["url"] == "http://localhost:3000/alertas"
    call(deliver, frequency=Frequency.INSTANT)
    land_gloves()
    call(deliver, frequency=Frequency.INSTANT)
    assert len(telegram.messages_to(101)) == 1


def test_an_unlinked_user_is_skipped_with_the_reason(telegram):
    user_id = user_account("beto@ferreteria.cl")
    new_alert(user_id, name="Guantes", text="guantes", channels=["inbox", "telegram"])
    land_gloves()
    call(deliver, frequency=Frequency.INSTANT)
    assert statuses() == [("skipped", "Telegram no vinculado", 1)]


def test_a_429_storm_is_waited_out_and_nothing_is_lost_or_doubled(telegram):
    for number in range(3):
        subscriber(f"user{number}", 200 + number)
    telegram.fail(Failure("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, times=3))
    land_gloves()
    started = time.monotonic()
    report = call(deliver, frequency=Frequency.INSTANT)
    assert report.sent == 3 and report.failed == 0
    assert sorted(sent.chat_id for sent in telegram.sent) == [200, 201, 202]
    assert telegram.sent[0].at - started >= 2.9, "each retry_after of 1 s was waited out"
    assert len(telegram.called("sendMessage")) == 6


def test_a_user_who_blocked_the_bot_is_unlinked_and_not_retried(telegram):
    subscriber("ana", 101)
    subscriber("beto", 102)
    telegram.fail(Failure("sendMessage", 403, BLOCKED, chat_id=101))
    land_gloves()
    report = call(deliver, frequency=Frequency.INSTANT)
    assert report.sent == 1 and report.failed == 1 and not report.failures
    assert [s.chat_id for s in telegram.sent] == [102]
    assert ("failed", f"bloqueó el bot ({BLOCKED})", 1) in statuses()
    with session_scope() as session:
        assert session.execute(text("SELECT array_agg(chat_id) FROM telegram_links")).scalar_one() == [102]
        assert (
            session.execute(text("SELECT count(*) FROM alert_notices WHERE pending <> '{}'")).scalar_one()
            == 0
        )


def test_a_worker_killed_mid_batch_sends_each_message_once(telegram, services):
    for number in range(3):
        subscriber(f"user{number}", 300 + number)
    land_gloves()
    hold = telegram.hold(2)
    job = get_queue(ALERTS).enqueue("jobs.tasks.alerts.deliver_instant", retry=Retry(max=2))
    env = child_environment(
        DATABASE_URL=services.database_url,
        REDIS_URL=services.redis_url,
        TELEGRAM_TOKEN=TOKEN,
        TELEGRAM_API_URL=telegram.url,
    )
    worker = [sys.executable, "-m", "jobs.worker", "--queues", ALERTS, "--burst"]
    first = subprocess.Popen(
        worker, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert hold.holding.wait(60), first.stderr.read() if first.poll() is not None else "no second message"
    for horse in psutil.Process(first.pid).children():
        horse.kill()
    hold.release.set()
    first.wait(120)
    for _ in range(2):
        job.refresh()
        if job.get_status() == JobStatus.FINISHED:
            break
        subprocess.run(worker, cwd=PROJECT_ROOT, env=env, capture_output=True, timeout=120)
    job.refresh()
    assert job.get_status() == JobStatus.FINISHED
    assert sorted(sent.chat_id for sent in telegram.sent) == [300, 301, 302]
    with session_scope() as session:
        assert (
            session.execute(text("SELECT count(*) FROM alert_notices WHERE pending <> '{}'")).scalar_one()
            == 0
        )
