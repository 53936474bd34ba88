"""The MCP server of the running product, used with the MCP SDK's own client: a key made in
Cuenta lists the tools, searches, opens a tender and analyses its product; no key, no answer."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import httpx
import httpx2
import psycopg
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from playwright.sync_api import Browser

from tests.e2e.conftest import RunningProduct

USER = "mcp-e2e@ferreteria.cl"


def key_from_cuenta(product: RunningProduct, browser: Browser) -> str:
    context = browser.new_context(locale="es-CL")
    product.sign_in(context, USER)
    page = context.new_page()
    page.goto(product.base_url + "/cuenta")
    page.get_by_label("Nombre de la clave").fill("Asistente")
    page.locator("#api-key-create").click()
    secret = page.locator("#api-key-secret").inner_text(timeout=30_000).strip()
    context.close()
    return secret


def an_open_tender(product: RunningProduct) -> tuple[str, str]:
    with psycopg.connect(product.database_url) as conn:
        return conn.execute(
            "SELECT t.codigo, i.name FROM tenders t JOIN tender_items i ON i.tender_id = t.id"
            " WHERE t.state = 'publicada' AND t.closes_at > now() ORDER BY t.closes_at DESC LIMIT 1"
        ).fetchone()


async def use_the_tools(url: str, key: str, codigo: str, product_name: str) -> dict:
    async with (
        httpx2.AsyncClient(headers={"Authorization": f"Bearer {key}"}, timeout=60) as http,
        Client(streamable_http_client(url, http_client=http)) as client,
    ):
        tools = await client.list_tools()
        search = await client.call_tool("search_tenders", {"text": product_name, "open_only": True})
        tender = await client.call_tool("get_tender", {"codigo": codigo})
        prices = await client.call_tool("analyze_prices", {"product": product_name})
        missing = await client.call_tool("get_tender", {"codigo": "9999-9-COT99"})
        return {"tools": tools, "search": search, "tender": tender, "prices": prices, "missing": missing}


def test_an_assistant_searches_opens_and_prices_through_mcp(product: RunningProduct, browser: Browser):
    key = key_from_cuenta(product, browser)
    codigo, product_name = an_open_tender(product)
    with ThreadPoolExecutor(1) as thread:  # Playwright's own event loop runs in this one
        answers = thread.submit(
            asyncio.run, use_the_tools(product.base_url + "/mcp", key, codigo, product_name)
        ).result()

    names = {tool.name for tool in answers["tools"].tools}
    assert names == {"search_tenders", "get_tender", "analyze_prices", "read_pipeline", "my_results"}
    assert not answers["search"].is_error
    assert codigo in [hit["codigo"] for hit in answers["search"].structured_content["data"]]
    assert answers["tender"].structured_content["codigo"] == codigo
    assert answers["prices"].structured_content["sample_size"] > 0
    assert (
        answers["missing"].is_error and "No encontramos la Compra Ágil" in answers["missing"].content[0].text
    )

    refused = httpx.post(
        product.base_url + "/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, timeout=30
    )
    assert refused.status_code == 401 and "Falta la clave de API" in refused.json()["error"]
