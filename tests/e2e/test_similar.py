"""Meaning in Chromium: new tenders loaded through the CLI, embedded by the CLI's `embed` (newest
first); the tender page lists the one about the same thing first, linked («Compras Ágiles
parecidas»), and Buscar finds a tender by what it is about, marked «Por significado»."""

import json
import re

from playwright.sync_api import expect

from tests.e2e.conftest import RunningProduct
from tests.e2e.helpers import open_record

FLUTES = ("9292-1-COT26", "Flautas dulces para la clase de música")
SOPRANO = ("9292-2-COT26", "Flautas dulces soprano para la clase de música escolar")
CEMENT = ("9292-3-COT26", "Sacos de cemento de 25 kilos para reparaciones")
NOTEBOOK = ("9292-4-COT26", "Notebook 14 pulgadas 8 GB RAM 256 GB SSD")


def test_similar_tenders_and_buscar_by_meaning(product: RunningProduct, page, tmp_path):
    records = tmp_path / "similar.json"
    records.write_text(
        json.dumps(
            [open_record(name) | {"codigo": codigo} for codigo, name in (FLUTES, SOPRANO, CEMENT, NOTEBOOK)],
            ensure_ascii=False,
        )
    )
    assert "nuevas 4" in product.cli("load-api-json", str(records))
    assert "con embedding nuevo" in product.cli("embed", "--limit", "50")

    page.goto(f"{product.base_url}/licitacion/{FLUTES[0]}")
    first = page.locator("#similar-tenders .similar-link").first
    expect(first).to_have_text(SOPRANO[1], timeout=60_000)
    first.click()
    expect(page).to_have_url(re.compile(re.escape(SOPRANO[0])))
    expect(page.locator("#tender-name")).to_have_text(SOPRANO[1], timeout=60_000)
    expect(page.locator("#similar-tenders .similar-link").first).to_have_text(FLUTES[1], timeout=60_000)

    page.goto(f"{product.base_url}/buscar?q=computador+port%C3%A1til")
    found = page.locator(".result-row").filter(has_text=NOTEBOOK[0])  # the demo has notebooks too
    expect(found).to_be_visible(timeout=60_000)
    expect(found.locator(".by-meaning")).to_have_text("Por significado")
