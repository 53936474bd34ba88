"""At 390 px the price pages fit the screen: no sideways scrolling, chart legends clear of titles."""

import psycopg
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningProduct

SHOTS = "/tmp/rv/shots"

OVERLAPS = """
(chart) => {
    const svg = document.querySelector(chart);
    const legend = svg.querySelector('.legend');
    const title = svg.querySelector('.gtitle');
    if (!legend || !title) return null;
    const a = legend.getBoundingClientRect(), b = title.getBoundingClientRect();
    return !(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top);
}
"""
"""Whether a Plotly chart's legend box and title box intersect (null when it has no legend)."""


def a_quoted_tender(product: RunningProduct) -> str:
    """A demo tender from the history with several quotes (its quotes table is the widest)."""
    with psycopg.connect(product.database_url) as conn:
        return conn.execute(
            "SELECT codigo FROM tenders WHERE source = 'cot' ORDER BY quotes_received DESC NULLS LAST LIMIT 1"
        ).fetchone()[0]


def _check(phone: Page, path: str, shot: str) -> None:
    phone.goto(path)
    expect(phone.locator("#price-distribution .gtitle")).to_be_visible(timeout=30_000)
    expect(phone.locator("#price-trend .gtitle")).to_be_visible()
    phone.screenshot(path=f"{SHOTS}/{shot}.png", full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.evaluate(OVERLAPS, "#price-distribution") is False
    assert phone.evaluate(OVERLAPS, "#price-trend") is None


def test_price_pages_fit_a_phone(product, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="es-CL")
    product.sign_in(context)
    phone = context.new_page()
    _check(phone, product.base_url + "/precios?producto=guantes", "precios-390")
    expect(phone.locator(".supplier-card").first).to_be_visible()
    _check(phone, product.base_url + f"/licitacion/{a_quoted_tender(product)}", "licitacion-390")
    expect(phone.locator(".quote-card").first).to_be_visible()
    context.close()
