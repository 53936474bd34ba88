"""Mis resultados in Chromium: a company whose RUT quoted in the demo history sees its figures, at
1280 px and 390 px; another company's user never does (not even naming the RUT in the URL); a visitor
is sent to Entrar."""

import re

import psycopg
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import RunningProduct

OWNER = "resultados-e2e@ferreteria.cl"
STRANGER = "otra-empresa-e2e@ferreteria.cl"
SHOTS = "/tmp/rv/shots"
EXPECTED = """
WITH mine AS (
    SELECT DISTINCT closing_date, tender_codigo FROM quotes
    WHERE supplier_id = %(id)s AND closing_date >= current_date - 730
),
processes AS (
    SELECT bool_or(q.winner AND q.supplier_id = %(id)s) AS won, bool_or(q.winner) AS decided
    FROM mine m JOIN quotes q USING (closing_date, tender_codigo)
    GROUP BY q.tender_codigo
)
SELECT count(*) FILTER (WHERE won), count(*) FILTER (WHERE decided) FROM processes
"""
"""Processes won and processes with a winner, counted straight from the history."""


def busiest_supplier(product: RunningProduct) -> tuple[int, str, str]:
    """(id, RUT, name) of the demo supplier with the most quotes."""
    with psycopg.connect(product.database_url) as conn:
        return conn.execute(
            "SELECT s.id, s.rut, s.name FROM quotes q JOIN suppliers s ON s.id = q.supplier_id"
            " GROUP BY s.id ORDER BY count(*) DESC, s.id LIMIT 1"
        ).fetchone()


def give_rut(product: RunningProduct, email: str, rut: str | None) -> None:
    with psycopg.connect(product.database_url, autocommit=True) as conn:
        conn.execute(
            "UPDATE companies SET rut = %s WHERE id = (SELECT company_id FROM users WHERE email = %s)",
            (rut, email),
        )


def signed_in(browser: Browser, product: RunningProduct, email: str, width: int = 1280) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="es-CL")
    product.sign_in(context, email)
    return context.new_page()


def test_my_results_show_my_figures_and_only_mine(product: RunningProduct, browser: Browser):
    supplier_id, rut, name = busiest_supplier(product)
    owner = signed_in(browser, product, OWNER)
    give_rut(product, OWNER, rut)
    try:
        _owner_sees_its_figures(product, owner, supplier_id, name)
    finally:
        give_rut(product, OWNER, None)
        owner.context.close()
    _stranger_sees_nothing(browser, product, rut, supplier_id, name)


def _owner_sees_its_figures(product: RunningProduct, owner: Page, supplier_id: int, name: str) -> None:
    with psycopg.connect(product.database_url) as conn:
        won, decided = conn.execute(EXPECTED, {"id": supplier_id}).fetchone()

    owner.goto(product.base_url + "/resultados")
    expect(owner.locator("#results-won-of")).to_contain_text(
        f"Ganaste {won} de {decided} adjudicadas", timeout=30_000
    )
    expect(owner.locator("#results-win-rate")).to_have_text(f"{round(100 * won / decided)} %")
    expect(owner.get_by_text(name, exact=False).first).to_be_visible()
    expect(owner.locator(".result-row").first).to_contain_text(re.compile(r"\$[\d.]+"))
    expect(owner.locator(".result-row a.result-tender").first).to_have_attribute(
        "href", re.compile(r"^/licitacion/")
    )
    owner.screenshot(path=f"{SHOTS}/resultados-1280.png", full_page=True)
    owner.locator("#results-window").select_option("6")
    expect(owner).to_have_url(re.compile(r"/resultados\?meses=6$"))
    expect(owner.locator("#results-won-of")).to_be_visible(timeout=30_000)


def _stranger_sees_nothing(browser: Browser, product: RunningProduct, rut: str, supplier_id: int, name: str):
    """Another company's user, even naming the RUT in the URL, gets its own (empty) page."""
    stranger = signed_in(browser, product, STRANGER)
    give_rut(product, STRANGER, None)
    stranger.goto(product.base_url + f"/resultados?rut={rut}&proveedor={supplier_id}")
    expect(stranger.locator("#results-empty")).to_contain_text("no tiene RUT", timeout=30_000)
    expect(stranger.locator("#results-to-account")).to_have_attribute("href", "/cuenta")
    expect(stranger.get_by_text(name)).to_have_count(0)
    expect(stranger.locator(".result-row")).to_have_count(0)
    stranger.context.close()


def test_my_results_fit_a_phone(product: RunningProduct, browser: Browser):
    _, rut, _ = busiest_supplier(product)
    phone = signed_in(browser, product, OWNER, width=390)
    give_rut(product, OWNER, rut)
    try:
        phone.goto(product.base_url + "/resultados")
        expect(phone.locator(".result-card").first).to_be_visible(timeout=30_000)
        expect(phone.locator("#results-close-count")).to_have_text(re.compile(r"^\d+$"))
        phone.screenshot(path=f"{SHOTS}/resultados-390.png", full_page=True)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        give_rut(product, OWNER, None)
        phone.context.close()


def test_a_visitor_is_sent_to_sign_in(visitor: Page, product: RunningProduct):
    visitor.goto(product.base_url + "/resultados")
    expect(visitor).to_have_url(re.compile(r"/entrar\?siguiente=%2Fresultados"), timeout=30_000)
