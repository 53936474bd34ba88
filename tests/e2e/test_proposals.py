"""A proposal in Chromium, offline (no Gemini key at `make run`): «Redactar propuesta» on a tender
opens it while the worker writes it, it is edited into a second version, and both documents download
through the authenticated route and open; a FREE company is shown the plan that has proposals."""

import io
import re

from docx import Document
from playwright.sync_api import Browser, expect
from pypdf import PdfReader

from tests.e2e.conftest import RunningProduct
from tests.e2e.helpers import an_open_tender

USER = "proposals-e2e@ferreteria.cl"


def test_write_edit_and_download_a_proposal(product: RunningProduct, browser: Browser, tmp_path):
    codigo, _ = an_open_tender(product)
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="es-CL", accept_downloads=True
    )
    product.sign_in(context, USER)
    page = context.new_page()
    page.goto(f"{product.base_url}/licitacion/{codigo}")
    page.locator("#proposal-start").click()

    body = page.locator("#proposal-body")
    expect(body).to_be_visible(timeout=60_000)
    expect(page.locator("#proposal-title")).not_to_be_empty()
    text = body.input_value()
    assert text.startswith(f"# Cotización {codigo}") and "## Oferta económica" in text
    body.fill(text.replace("Quedamos atentos", "Quedamos muy atentos"))
    page.locator("#proposal-save").click()
    expect(page).to_have_url(re.compile(r"/propuestas/[0-9a-f-]{36}\?version=2$"))
    expect(page.locator("#proposal-versions .proposal-version")).to_have_count(2)
    expect(body).to_have_value(text.replace("Quedamos atentos", "Quedamos muy atentos").strip())

    pdf_href = page.locator("#proposal-pdf").get_attribute("href")
    with page.expect_download() as waiting:
        page.locator("#proposal-pdf").click()
    pdf = waiting.value.path().read_bytes()
    assert waiting.value.suggested_filename == f"propuesta-{codigo}-v2.pdf"
    assert "Quedamos muy atentos" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    with page.expect_download() as waiting:
        page.locator("#proposal-docx").click()
    document = Document(io.BytesIO(waiting.value.path().read_bytes()))
    assert any("Quedamos muy atentos" in p.text for p in document.paragraphs)

    page.goto(f"{product.base_url}/propuestas")
    expect(page.locator("#proposal-list .proposal-link").first).to_be_visible()
    stranger = browser.new_context()
    assert stranger.request.get(f"{product.base_url}{pdf_href}").status == 404
    stranger.close()
    context.close()


def test_a_free_company_is_shown_the_plan_with_proposals(product: RunningProduct, browser: Browser):
    codigo, _ = an_open_tender(product)
    context = browser.new_context(locale="es-CL")
    product.cli(
        "users",
        "create",
        "proposals-free@ferreteria.cl",
        "--password",
        "propuestas-26-gratis",
        "--plan",
        "FREE",
    )
    product.sign_in(context, "proposals-free@ferreteria.cl")
    page = context.new_page()
    page.goto(f"{product.base_url}/licitacion/{codigo}")
    page.locator("#proposal-start").click()
    expect(page.locator("#proposal-error")).to_contain_text("Ver planes")
    context.close()
