"""Telegram in Chromium with `make run`'s own bot and workers against the fake Bot API: link the chat
from Cuenta (the bot confirms, the card says «Vinculado»), create an alert with the Telegram channel,
a sync brings a matching tender and the chat receives it with a deep link that opens the tender; its
«Guardar» button puts it in the pipeline; the same tender re-synced unchanged sends nothing."""

import json
import re
import time
from urllib.parse import parse_qs, urlparse

import psycopg
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import RunningProduct
from tests.e2e.helpers import MATCHING_WAIT_SECONDS, open_record
from tests.fakes.telegram import FakeTelegram

USER = "telegram-e2e@ferreteria.cl"
CHAT = 60_606_060
WORD = "marimba"
CODIGO = "9191-1-COT26"
NAME = "Marimbas para la escuela de música"


def matched_runs(product: RunningProduct) -> int:
    """Import runs the alerts job has matched so far."""
    with psycopg.connect(product.database_url) as conn:
        return conn.execute("SELECT count(*) FROM alert_run_checks").fetchone()[0]


def test_link_telegram_from_cuenta_and_receive_an_alert_with_a_working_deep_link(
    product: RunningProduct, browser: Browser, telegram: FakeTelegram, tmp_path
):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="es-CL")
    product.sign_in(context, USER)
    page = context.new_page()
    page.goto(f"{product.base_url}/alertas?nueva=1&q={WORD}")
    expect(page.locator("#alert-telegram-hint")).to_be_visible(timeout=60_000)

    page.goto(f"{product.base_url}/cuenta")
    page.locator("#telegram-link-button").click()
    link = page.locator("#telegram-link")
    expect(link).to_have_attribute(
        "href", re.compile(r"^https://t\.me/CompraAgilBot\?start=."), timeout=30_000
    )
    token = parse_qs(urlparse(link.get_attribute("href")).query)["start"][0]
    telegram.type_text(CHAT, f"/start {token}")
    [welcome] = telegram.wait_for_messages(CHAT, 1, timeout=60)
    assert "¡Listo!" in welcome.text and USER in welcome.text
    page.locator("#telegram-check-button").click()
    expect(page.get_by_text("Vinculado", exact=True)).to_be_visible(timeout=30_000)
    expect(page.locator("#telegram-link-button")).to_have_count(0)

    page.goto(f"{product.base_url}/alertas?nueva=1&q={WORD}")
    form = page.locator("#alert-form")
    expect(form.locator("input[name=q]")).to_have_value(WORD, timeout=30_000)
    expect(page.locator("#alert-telegram-hint")).to_have_count(0)
    form.get_by_role("checkbox", name="Telegram").click()
    page.locator("#alert-save").click()
    expect(page.locator(".alert-row")).to_contain_text("Telegram", timeout=30_000)

    records = tmp_path / "records.json"
    records.write_text(json.dumps([open_record(NAME) | {"codigo": CODIGO}], ensure_ascii=False))
    assert "nuevas 1" in product.cli("load-api-json", str(records))
    pushed = telegram.wait_for_messages(CHAT, 2, timeout=MATCHING_WAIT_SECONDS)[-1]
    deep_link = f"{product.base_url}/licitacion/{CODIGO}"
    assert NAME in pushed.text and deep_link in pushed.text
    buttons = [button for row in pushed.reply_markup["inline_keyboard"] for button in row]
    assert buttons[0]["url"] == deep_link
    page.goto(deep_link)
    expect(page.locator("#tender-name")).to_have_text(NAME, timeout=60_000)

    telegram.press(CHAT, buttons[1]["callback_data"])
    assert "Guardada en tu pipeline" in telegram.wait_for_messages(CHAT, 3, timeout=60)[-1].text
    page.goto(f"{product.base_url}/pipeline")
    expect(page.get_by_text(NAME).first).to_be_visible(timeout=60_000)

    matched = matched_runs(product)
    assert "sin cambios 1" in product.cli("load-api-json", str(records))
    deadline = time.monotonic() + MATCHING_WAIT_SECONDS
    while matched_runs(product) == matched and time.monotonic() < deadline:
        time.sleep(2)
    assert matched_runs(product) > matched, "the unchanged sync was matched"
    time.sleep(5)
    assert len(telegram.messages_to(CHAT)) == 3, "an unchanged tender sends nothing"
    context.close()
