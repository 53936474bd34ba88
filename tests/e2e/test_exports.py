"""Excel export in Chromium: on Pipeline, «Exportar a Excel» shows progress, then a link that downloads
a valid workbook through the authenticated route; a signed-out browser gets 404 from that link."""

from openpyxl import load_workbook
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import RunningProduct
from tests.e2e.helpers import an_open_tender

USER = "exports-e2e@ferreteria.cl"


def test_export_the_pipeline_and_download_it(product: RunningProduct, browser: Browser, tmp_path):
    codigo, _ = an_open_tender(product)
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="es-CL", accept_downloads=True
    )
    product.sign_in(context, USER)
    page = context.new_page()
    page.goto(f"{product.base_url}/licitacion/{codigo}")
    page.locator("#pipeline-save").click()
    expect(page.locator("#pipeline-saved")).to_contain_text("Evaluando")

    page.goto(f"{product.base_url}/pipeline")
    page.locator("#pipeline-export").click()
    link = page.locator("#pipeline-export-download")
    expect(link).to_be_visible(timeout=60_000)
    href = link.get_attribute("href")
    fetched = context.request.get(f"{product.base_url}{href}")
    assert fetched.status == 200, (href, fetched.status, fetched.headers, fetched.text()[:300])
    with page.expect_download() as waiting:
        link.click()
    saved = tmp_path / waiting.value.suggested_filename
    waiting.value.save_as(saved)
    assert saved.name.startswith("compraagil-pipeline-") and saved.suffix == ".xlsx"
    sheet = load_workbook(saved)["Pipeline"]
    assert sheet["A1"].value == "Código" and sheet["A2"].value == codigo

    stranger = browser.new_context()
    answer = stranger.request.get(f"{product.base_url}{href}")
    assert answer.status == 404
    stranger.close()
    context.close()
