"""Alerts in Chromium: create an alert from Buscar, load API records through the real import path
(the CLI, then the worker's periodic matching), and the bell shows 1, the inbox shows the tender,
a mail arrives in the dev SMTP server; marking it read clears the bell."""

import json
import re
import time
from datetime import datetime, timedelta

from playwright.sync_api import Browser, Page, expect

from compraagil.chile.dates import SANTIAGO
from compraagil.mail.devserver import read_messages
from tests.e2e.conftest import RunningProduct

USER = "alertas-e2e@ferreteria.cl"
WORD = "xilófono"
CODIGO = "9090-1-COT26"
MATCHING_WAIT_SECONDS = 180
"""The CLI's import is matched by the worker's every-minute job (rq-scheduler polls every 30 s)."""


def open_record(name: str) -> dict:
    now = datetime.now(SANTIAGO)
    return {
        "codigo": CODIGO,
        "nombre": name,
        "descripcion": "Instrumentos para la escuela de música.",
        "estado": {"codigo": "publicada", "glosa": "Publicada"},
        "fechas": {
            "fecha_publicacion": (now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
            "fecha_cierre": (now + timedelta(days=3)).strftime("%Y-%m-%d %H:%M"),
            "fecha_ultimo_cambio": now.isoformat(),
        },
        "presupuesto": {"moneda": "CLP", "monto_disponible": 240_000, "monto_disponible_clp": 240_000, "valor_cambio_moneda": 1},
        "institucion": {"organismo_comprador": "Ilustre Municipalidad de Chillán", "unidad_compra": "Educación Chillán", "region": 16},
        "productos_solicitados": [{"codigo_producto": 60131000, "nombre": name, "descripcion": name, "cantidad": 4, "unidad_medida": "Unidad"}],
    }  # fmt: skip


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
