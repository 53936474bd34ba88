"""Alerts in Chromium: create an alert from Buscar, load API records through the real import path
(the CLI, then the worker's periodic matching), and the bell shows 1, the inbox shows the tender,
a mail arrives in the dev SMTP server; marking it read clears the bell."""

import json
import re
import time

from playwright.sync_api import Browser, Page, expect

from compraagil.mail.devserver import read_messages
from tests.e2e.conftest import RunningProduct
from tests.e2e.helpers import CODIGO, MATCHING_WAIT_SECONDS, open_record

USER = "alertas-e2e@ferreteria.cl"
WORD = "xilófono"


def wait_for_bell(page: Page, count: str) -> None:
    deadline = time.monotonic() + MATCHING_WAIT_SECONDS
    while time.monotonic() < deadline:
        page.reload()
        bell = page.locator("#bell-count")
        try:
            expect(bell).to_have_text(count, timeout=5000)
            return
        except AssertionError:
            time.sleep(5)
    expect(page.locator("#bell-count")).to_have_text(count)


def wait_for_mails(product: RunningProduct, to: str, timeout: float = 60) -> list:
    """The dev SMTP server's messages to `to`, once there is one: the mail goes out in its own job,
    after the matching that lit the bell."""
    deadline = time.monotonic() + timeout
    while not (mails := [m for m in read_messages(product.mail_dir) if m["To"] == to]):
        if time.monotonic() > deadline:
            return mails
        time.sleep(1)
    return mails


def test_an_alert_from_buscar_brings_a_new_tender_to_the_bell_inbox_and_mail(
    product: RunningProduct, browser: Browser, tmp_path
):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="es-CL")
    product.sign_in(context, USER)
    page = context.new_page()
    page.goto(f"{product.base_url}/buscar?q={WORD}&region=16")
    expect(page.locator("#search-empty")).to_be_visible(timeout=60_000)
    page.locator("#search-create-alert").click()
    expect(page).to_have_url(re.compile(r"/alertas\?.*nueva=1"))
    expect(page.locator("#alert-form input[name=q]")).to_have_value(WORD, timeout=30_000)
    page.locator("#alert-save").click()
    card = page.locator(".alert-row")
    expect(card).to_have_count(1, timeout=30_000)
    expect(card).to_contain_text(f"«{WORD}» · Región de Ñuble")
    expect(page.locator("#alert-usage")).to_have_text("1 de sin límite alertas")
    expect(page.locator("#bell-count")).to_have_count(0)

    records = tmp_path / "records.json"
    records.write_text(json.dumps([open_record("Xilófonos para la escuela de música")], ensure_ascii=False))
    assert "nuevas 1" in product.cli("load-api-json", str(records))
    wait_for_bell(page, "1")

    page.locator("#nav-bell").click()
    row = page.locator(".inbox-row")
    expect(row).to_have_count(1, timeout=30_000)
    expect(row).to_contain_text("Xilófonos para la escuela de música")
    expect(row.locator("a")).to_have_css("font-weight", "700")
    mails = wait_for_mails(product, USER)
    assert len(mails) == 1 and CODIGO in mails[0].get_content()

    row.get_by_role("button", name="Marcar leída").click()
    expect(page.locator("#bell-count")).to_have_count(0, timeout=30_000)
    expect(row.locator("a")).not_to_have_css("font-weight", "700")
    context.close()
