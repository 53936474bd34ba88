"""API keys in Chromium: a PROFESIONAL user makes a key in Cuenta, sees it once, calls the running
product's REST API with it, revokes it and is refused; a FREE user is offered the plan instead."""

import re

import httpx
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import RunningProduct

USER = "api-e2e@ferreteria.cl"


def test_make_use_and_revoke_a_key(product: RunningProduct, browser: Browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-CL")
    product.sign_in(context, USER)
    page = context.new_page()
    page.goto(product.base_url + "/cuenta")
    page.get_by_label("Nombre de la clave").fill("Planilla de ventas")
    page.locator("#api-key-create").click()
    secret = page.locator("#api-key-secret").inner_text(timeout=30_000).strip()
    assert re.fullmatch(r"ca_[\w-]{43}", secret)
    row = page.locator(".api-key-row", has_text="Planilla de ventas")
    expect(row).to_contain_text(secret[:10] + "…")
    expect(row).not_to_contain_text(secret)

    answer = httpx.get(
        f"{product.base_url}/api/v1/tenders",
        params={"open_only": "true", "limit": 5},
        headers={"Authorization": f"Bearer {secret}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["data"]) == 5 and answer.json()["next_cursor"]

    page.reload()
    expect(page.locator("#api-key-secret")).to_have_count(0)
    expect(row).not_to_contain_text("Último uso: nunca")
    row.locator(".api-key-revoke").click()
    expect(page.locator("#api-key-notice")).to_contain_text("Clave revocada")
    expect(row).to_contain_text("Revocada")
    refused = httpx.get(
        f"{product.base_url}/api/v1/tenders", headers={"Authorization": f"Bearer {secret}"}, timeout=30
    )
    assert refused.status_code == 401 and "revocada" in refused.json()["error"]
    context.close()


def test_a_free_plan_is_offered_the_plan_with_the_api(product: RunningProduct, browser: Browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-CL")
    product.cli("users", "create", "api-gratis@ferreteria.cl", "--password", "martillos-y-clavos-26")
    product.sign_in(context, "api-gratis@ferreteria.cl")
    page = context.new_page()
    page.goto(product.base_url + "/cuenta")
    expect(page.locator("#api-card #quota-exceeded")).to_contain_text("Profesional")
    expect(page.locator("#api-key-create")).to_have_count(0)
    context.close()
