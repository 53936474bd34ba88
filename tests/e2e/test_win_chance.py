"""«Probabilidad de ganar» in Chromium: with the model trained on make run's demo history, a
PROFESIONAL user opens an open tender and sees the chance at the suggested total, the curve, the
targets, each requested item's price for 50 % and 70 % with its curve, the reasons and the model's
version."""

import re

import psycopg
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningProduct


def test_the_tender_page_shows_the_chance_its_reasons_and_the_version(product: RunningProduct, page: Page):
    trained = product.cli("train-win-model")
    version = re.search(r"\d{8}-\d{6}", trained).group()
    with psycopg.connect(product.database_url) as conn:
        (codigo,) = conn.execute(
            "SELECT codigo FROM tenders WHERE state = 'publicada' AND closes_at > now() AND amount_available > 0"
            " AND buyer_id IN (SELECT buyer_id FROM win_buyer_stats) ORDER BY closes_at LIMIT 1"
        ).fetchone()
    page.goto(f"{product.base_url}/licitacion/{codigo}")
    expect(page.locator("#win-probability")).to_have_text(re.compile(r"^\d{1,3} %$"), timeout=60_000)
    expect(page.locator("#win-targets")).to_contain_text("Para 50 %")
    expect(page.locator("#win-reasons .win-reason").first).to_be_visible()
    expect(page.locator("#win-version")).to_contain_text(version)
    expect(page.locator("#win-rivals .win-rival").first).to_contain_text(" a este organismo, ganó")
    expect(page.locator("#win-section .js-plotly-plot").first).to_be_visible()
    expect(page.locator("#win-items .win-item").first).to_contain_text(
        re.compile(r"sugerido \$[\d.]+ c/u · para 50 %")
    )
    expect(page.locator("#win-items .js-plotly-plot")).to_be_visible()
