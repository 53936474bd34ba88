import re
from datetime import UTC, datetime, timedelta

import psycopg
from playwright.sync_api import expect
from prometheus_client.parser import text_string_to_metric_families

from compraagil.chile.money import format_count


def test_home_shows_live_figures_from_the_database(product, page):
    closes = datetime.now(UTC) + timedelta(days=2)
    with psycopg.connect(product.database_url, autocommit=True) as conn:
        for number in range(3):
            conn.execute(
                "INSERT INTO tenders (codigo, name, state, closes_at, source)"
                " VALUES (%s, 'Guantes de nitrilo', 'publicada', %s, 'test')",
                (f"9999-{number}-COT26", closes),
            )
        open_tenders = conn.execute(
            "SELECT count(*) FROM tenders WHERE state = 'publicada' AND closes_at > now()"
        ).fetchone()[0]
        quotes = conn.execute("SELECT count(*) FROM quotes").fetchone()[0]

    page.goto(product.base_url + "/")

    expect(page.locator("#open-tenders")).to_have_text(format_count(open_tenders))
    expect(page.locator("#quotes-in-history")).to_have_text(format_count(quotes))
    expect(page.get_by_text("Compras Ágiles abiertas")).to_be_visible()
    expect(page.locator("#last-import")).to_have_text(re.compile(r"^\d{2}-\d{2}-\d{4} \d{2}:\d{2}$"))
    expect(page.locator("html")).to_have_attribute("lang", "es-CL")


def test_make_run_fills_an_empty_database_with_demo_data(product):
    """The demo's two imports, by their own runs (other tests add their own data to this database)."""
    with psycopg.connect(product.database_url) as conn:
        runs = conn.execute(
            "SELECT status, rows_read, rows_inserted, rows_duplicates FROM import_runs WHERE kind = 'demo'"
            " ORDER BY id"
        ).fetchall()
    (history, open_tenders) = runs
    assert history[:2] == ("succeeded", 200_000)
    assert history[2] + history[3] == 200_000  # identical lines are stored once
    assert open_tenders == ("succeeded", 300, 300, 0)


def follow(page, link, url: str, tries: int = 3) -> None:
    """Click `link` until the page is at `url`: a click that lands while the client router is still
    taking over the page (seen once on a loaded machine) is lost, as a person's would be."""
    for _ in range(tries - 1):
        link.click()
        try:
            expect(page).to_have_url(url, timeout=5000)
            return
        except AssertionError:
            continue
    link.click()
    expect(page).to_have_url(url)


def test_navigation_reaches_every_section(product, page):
    page.goto(product.base_url + "/")
    for label, path, heading in [
        ("Buscar", "/buscar", "Buscar"),
        ("Precios", "/precios", "Precios"),
        ("Alertas", "/alertas", "Alertas"),
        ("Planes", "/planes", "Planes"),
        ("Cuenta", "/cuenta", "Tu cuenta"),
    ]:
        follow(page, page.get_by_role("link", name=label, exact=True).first, product.base_url + path)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()


def test_backend_serves_health_and_metrics(product, page):
    page.goto(product.base_url + "/buscar?q=guantes&alcance=todas")
    expect(page.locator("#search-total")).to_be_visible()
    health = page.request.get(product.base_url + "/healthz")
    assert health.status == 200
    assert health.json() == {"status": "ok", "database": "ok", "redis": "ok"}
    metrics = page.request.get(product.base_url + "/metrics")
    samples = {
        (sample.name, tuple(sorted(sample.labels.items())))
        for family in text_string_to_metric_families(metrics.text())
        for sample in family.samples
    }
    assert ("compraagil_jobs", (("queue", "alerts"), ("state", "queued"))) in samples
    healthz = (("method", "GET"), ("route", "/healthz"), ("status", "200"))
    assert ("compraagil_http_requests_total", healthz) in samples, (
        "counted by whichever backend worker served it"
    )
    search = (("event", "search_state.load"),)
    assert ("compraagil_page_events_total", search) in samples
    assert ("compraagil_page_call_duration_seconds_count", search) in samples
