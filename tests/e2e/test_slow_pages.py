"""One tab's slow query does not stall another tab; a failed query says so in Spanish and can be
retried; a query past the web app's statement timeout (15 s) is stopped and says so. The price page
reads the priced lines (`price_lines`); the search page does not."""

import time
from contextlib import contextmanager

import psycopg
from playwright.sync_api import expect

WAITING = (
    "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
    " AND query ILIKE '%price_lines%'"
)


def a_product_name(product, offset: int) -> str:
    """A product of the demo history that no other test asks about (so its analysis is not cached)."""
    with psycopg.connect(product.database_url) as conn:
        return conn.execute(
            "SELECT p.name FROM products p WHERE length(p.name) >= 3 ORDER BY p.id OFFSET %s LIMIT 1",
            (offset,),
        ).fetchone()[0]


@contextmanager
def price_lines_locked(product):
    """Hold an ACCESS EXCLUSIVE lock on the priced lines until the block ends."""
    with psycopg.connect(product.database_url) as conn:
        conn.execute("LOCK TABLE price_lines IN ACCESS EXCLUSIVE MODE")
        yield conn
        conn.rollback()


def waiting_queries(conn, *, at_least: int = 1, timeout: float = 30) -> list[int]:
    """The app's queries waiting on the lock (once there are some)."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(conn.info.dsn, autocommit=True) as watcher:
        while time.monotonic() < deadline:
            pids = [pid for (pid,) in watcher.execute(WAITING).fetchall()]
            if len(pids) >= at_least:
                return pids
            time.sleep(0.2)
    raise AssertionError("the price page never queried the locked table")


def test_a_slow_page_does_not_stall_another_tab(product, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="es-CL")
    product.sign_in(context)
    slow, other = context.new_page(), context.new_page()
    with price_lines_locked(product) as conn:
        slow.goto(product.base_url + "/precios?producto=" + a_product_name(product, 11))
        waiting_queries(conn)
        started = time.monotonic()
        other.goto(product.base_url + "/buscar?alcance=todas")
        expect(other.locator(".result-row").first).to_be_visible(timeout=5_000)
        assert time.monotonic() - started < 5
        expect(slow.locator("#suggested-price, #price-empty").first).not_to_be_visible()
    expect(slow.locator("#suggested-price, #price-empty").first).to_be_visible(timeout=30_000)
    context.close()


def test_a_failed_query_shows_a_spanish_message_and_retry_works(product, page):
    with price_lines_locked(product) as conn:
        page.goto(product.base_url + "/precios?producto=" + a_product_name(product, 13))
        for pid in waiting_queries(conn):
            conn.execute("SELECT pg_cancel_backend(%s)", (pid,))
        expect(page.locator("#page-error")).to_contain_text(
            "No pudimos cargar esta página. Intenta de nuevo en un momento.", timeout=10_000
        )
    page.locator("#page-retry").click()
    expect(page.locator("#suggested-price, #price-empty").first).to_be_visible(timeout=30_000)
    expect(page.locator("#page-error")).to_have_count(0)


def test_a_query_past_the_statement_timeout_is_stopped_and_said_in_spanish(product, page):
    with price_lines_locked(product) as conn:
        page.goto(product.base_url + "/precios?producto=" + a_product_name(product, 17))
        waiting_queries(conn)
        expect(page.locator("#page-error")).to_contain_text("tardó demasiado", timeout=40_000)
    page.locator("#page-retry").click()
    expect(page.locator("#suggested-price, #price-empty").first).to_be_visible(timeout=30_000)
