"""Pipeline in Chromium: a signed-in user opens a tender, saves it, finds it on /pipeline and moves
it; at 390 px the board's columns stack."""

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import RunningProduct
from tests.e2e.helpers import an_open_tender

USER = "pipeline-e2e@ferreteria.cl"


def signed_in(browser: Browser, product: RunningProduct, width: int) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="es-CL")
    product.sign_in(context, USER)
    return context.new_page()


def test_save_a_tender_see_it_on_the_board_and_move_it(product: RunningProduct, browser: Browser):
    codigo, name = an_open_tender(product)
    page = signed_in(browser, product, 1280)
    page.goto(f"{product.base_url}/licitacion/{codigo}")
    page.locator("#pipeline-save").click()
    expect(page.locator("#pipeline-saved")).to_contain_text("Evaluando")

    page.goto(f"{product.base_url}/pipeline")
    expect(page.locator("#pipeline-usage")).to_contain_text("1 guardadas")
    card = page.locator("#pipeline-column-evaluando .pipeline-card", has_text=name)
    expect(card).to_be_visible()
    card.locator(".pipeline-move").select_option("cotizada")
    moved = page.locator("#pipeline-column-cotizada .pipeline-card", has_text=name)
    expect(moved).to_be_visible()
    expect(page.locator("#pipeline-column-evaluando .pipeline-card")).to_have_count(0)

    moved.get_by_role("button", name="Editar").click()
    moved.locator("input[name=amount]").fill("1.250.000")
    moved.locator(".pipeline-save-edit").click()
    expect(page.locator("#pipeline-column-cotizada .pipeline-card", has_text=name)).to_contain_text(
        "Mi cotización: $1.250.000"
    )

    page.locator("#pipeline-view-lista").click()
    expect(page.locator("#pipeline-list .pipeline-card", has_text=name)).to_be_visible()
    page.context.close()


def test_the_board_stacks_on_a_phone(product: RunningProduct, browser: Browser):
    codigo, _ = an_open_tender(product)
    page = signed_in(browser, product, 390)
    page.goto(f"{product.base_url}/licitacion/{codigo}")
    page.locator("#pipeline-save, #pipeline-saved").first.wait_for()
    page.goto(f"{product.base_url}/pipeline")
    first = page.locator("#pipeline-column-evaluando").bounding_box()
    second = page.locator("#pipeline-column-cotizada").bounding_box()
    assert second["y"] > first["y"] and abs(second["x"] - first["x"]) < 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.context.close()
