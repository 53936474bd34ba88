"""A semantic alert in Chromium: a PYME user saves an alert «por significado», new tenders arrive
through the CLI and are embedded (which matches them by meaning), the inbox shows the one about the
same thing and not the unrelated one, and 👎 on it is recorded and said back."""

import json

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import RunningProduct
from tests.e2e.helpers import open_record

USER = "significado-e2e@aseo.cl"
GLOVES = ("9393-1-COT26", "Guantes quirúrgicos estériles de látex talla 7")
NOTEBOOK = ("9393-2-COT26", "Notebook 14 pulgadas 8 GB RAM 256 GB SSD")


def test_a_semantic_alert_brings_what_is_alike_and_learns_from_a_thumb(
    product: RunningProduct, browser: Browser, tmp_path
):
    product.cli("users", "create", USER, "--password", "guantes-y-cloro-26", "--plan", "PYME")
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="es-CL")
    product.sign_in(context, USER)
    page = context.new_page()
    page.goto(f"{product.base_url}/alertas")
    page.locator("#alert-new").click()
    page.locator("#alert-form input[name=q]").fill("guantes quirúrgicos")
    page.locator("#alert-semantic").click()
    page.locator("#alert-save").click()
    card = page.locator(".alert-row")
    expect(card).to_have_count(1, timeout=30_000)
    expect(card).to_contain_text("Por significado: «guantes quirúrgicos»")
    expect(card.locator(".alert-learns")).to_contain_text("el texto de la alerta")

    records = tmp_path / "records.json"
    records.write_text(
        json.dumps(
            [open_record(name) | {"codigo": codigo} for codigo, name in (GLOVES, NOTEBOOK)],
            ensure_ascii=False,
        )
    )
    assert "nuevas 2" in product.cli("load-api-json", str(records))
    assert "avisos nuevos de alertas por significado" in product.cli("embed", "--limit", "50")

    page.reload()
    row = page.locator(".inbox-row").filter(has_text=GLOVES[1])
    expect(row).to_have_count(1, timeout=30_000)
    expect(page.locator(".inbox-row").filter(has_text=NOTEBOOK[1])).to_have_count(0)
    row.locator(".notice-useless").click()
    expect(page.locator("#inbox-feedback")).to_contain_text("te mostrará menos", timeout=30_000)
    expect(row.locator(".notice-verdict")).to_have_text("No te sirvió")
    context.close()
