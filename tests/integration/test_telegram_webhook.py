"""Production's webhook path with the real bot process: it registers PUBLIC_URL/api/telegram/webhook
with its secret at the fake Bot API; the web app's route refuses a wrong secret (403) and a body that
is no update (422), queues the real ones once per update id, and the bot answers them; an update a
killed bot had taken but not finished is answered by the next one."""

import json
import subprocess
import sys
import time

import pytest
from fastapi.testclient import TestClient

from compraagil.config import PROJECT_ROOT, child_environment, get_settings
from compraagil.redis_client import get_redis
from compraagil.telegram import updates
from compraagil.telegram.commands import HELP
from compraagil_web.api import api
from tests.fakes.telegram import TOKEN, FakeTelegram

SECRET = "s3creto-del-webhook_de-pruebas"
PUBLIC_URL = "https://compraagil.example"
CHAT = 7770001


@pytest.fixture
def telegram(services, monkeypatch):
    fake = FakeTelegram().start()
    monkeypatch.setattr(get_settings(), "telegram_webhook_secret", SECRET)
    yield fake
    fake.stop()


@pytest.fixture
def start_bot(telegram, services):
    bots: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        env = child_environment(
            DATABASE_URL=services.database_url,
            REDIS_URL=services.redis_url,
            TELEGRAM_TOKEN=TOKEN,
            TELEGRAM_API_URL=telegram.url,
            TELEGRAM_WEBHOOK_SECRET=SECRET,
            PUBLIC_URL=PUBLIC_URL,
        )
        bot = subprocess.Popen(
            [sys.executable, "-m", "bot.main"], cwd=PROJECT_ROOT, env=env, stderr=subprocess.PIPE
        )
        bots.append(bot)
        deadline = time.monotonic() + 60
        while not telegram.webhook and time.monotonic() < deadline:
            assert bot.poll() is None, bot.stderr.read().decode()
            time.sleep(0.1)
        return bot

    yield start
    for bot in bots:
        bot.kill()
        bot.wait()


def post(update: dict | bytes, secret: str | None = SECRET) -> int:
    headers = {updates.SECRET_HEADER: secret} if secret is not None else {}
    body = update if isinstance(update, bytes) else json.dumps(update).encode()
    return TestClient(api).post(updates.WEBHOOK_PATH, content=body, headers=headers).status_code


def test_the_bot_registers_the_webhook_with_its_secret_and_answers_what_the_web_app_queued(
    telegram, start_bot
):
    start_bot()
    assert telegram.webhook["url"] == f"{PUBLIC_URL}/api/telegram/webhook"
    assert telegram.webhook["secret_token"] == SECRET
    assert telegram.webhook["allowed_updates"] == ["message", "callback_query"]
    assert not telegram.called("getUpdates")

    update = telegram.text_update(CHAT, "/ayuda")
    assert post(update) == 200
    assert post(update) == 200, "Telegram resending an update gets a 2xx"
    [answer] = telegram.wait_for_messages(CHAT, 1)
    assert answer.text == HELP
    time.sleep(1)
    assert len(telegram.messages_to(CHAT)) == 1, "a resent update is answered once"
    assert get_redis().llen(updates.PENDING) == get_redis().llen(updates.PROCESSING) == 0


def test_a_wrong_or_missing_secret_and_a_body_that_is_no_update_are_refused(telegram):
    update = telegram.text_update(CHAT, "/ayuda")
    assert post(update, secret="otro") == 403
    assert post(update, secret=None) == 403
    assert post(b"no es json") == 422
    assert post({"message": {}}) == 422
    assert get_redis().llen(updates.PENDING) == 0


def test_without_a_secret_there_is_no_webhook(telegram, monkeypatch):
    monkeypatch.setattr(get_settings(), "telegram_webhook_secret", None)
    assert post(telegram.text_update(CHAT, "/ayuda"), secret="") == 404


def test_an_update_a_killed_bot_left_unfinished_is_answered_by_the_next_one(telegram, start_bot):
    get_redis().lpush(updates.PROCESSING, json.dumps(telegram.text_update(CHAT, "/ayuda")))
    start_bot()
    [answer] = telegram.wait_for_messages(CHAT, 1, timeout=30)
    assert answer.text == HELP
