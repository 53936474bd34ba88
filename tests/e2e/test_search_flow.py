"""Home → search with a filter → a tender → its price guidance, every requested item priced; the
search URL can be shared."""

import re
from urllib.parse import parse_qs, urlparse

import psycopg
from playwright.sync_api import expect


def an_open_tender(product) -> tuple[str, str, int]:
    """A demo tender still open, its product phrase (every word must match, so few tenders do), and
    its region."""
    with psycopg.connect(product.database_url) as conn:
        codigo, name, region = conn.execute(
            """
            SELECT t.codigo, t.name, t.region FROM tenders t
            WHERE t.source = 'api' AND t.state = 'publicada' AND t.closes_at > now() + interval '2 hours'
            ORDER BY t.closes_at DESC LIMIT 1
            """
        ).fetchone()
    phrase = name.removeprefix("Adquisición de ").removesuffix(" y otros")
    return codigo, phrase, region


def requested_items(product, codigo: str) -> int:
    with psycopg.connect(product.database_url) as conn:
        return conn.execute(
            "SELECT count(*) FROM tender_items i JOIN tenders t ON t.id = i.tender_id WHERE t.codigo = %s",
            (codigo,),
        ).fetchone()[0]


def test_search_open_a_tender_and_see_its_price(product, page):
    codigo, phrase, region = an_open_tender(product)

    page.goto(product.base_url + "/")
    page.get_by_role("link", name="Buscar oportunidades").click()
    expect(page).to_have_url(re.compile(r"/buscar"))
    page.get_by_label("Buscar").fill(phrase)
    page.get_by_label("Región").select_option(str(region))
    page.locator("#search-submit").click()

    expect(page).to_have_url(re.compile(rf"[?&]region={region}(&|$)"))
    assert parse_qs(urlparse(page.url).query)["q"] == [phrase]
    expect(page.locator("#search-total")).to_contain_text("resultado")
    shared_url = page.url
    row = page.locator(".result-row").filter(has_text=codigo)
    expect(row).to_have_count(1)
    row.get_by_role("link").first.click()

    expect(page).to_have_url(re.compile(rf"/licitacion/{re.escape(codigo)}"))
    expect(page.locator("#tender-name")).to_be_visible()
    expect(page.locator("#official-link")).to_have_attribute("href", re.compile(re.escape(codigo)))
    expect(page.locator("#suggested-price")).to_have_text(
        re.compile(r"^\$\d{1,3}(\.\d{3})*$"), timeout=30_000
    )
    expect(page.locator("#price-distribution .main-svg").first).to_be_visible(timeout=30_000)
    expect(page.locator("#price-insights")).to_contain_text("Precio sugerido")
    expect(page.locator("#quote-guidance .quote-item")).to_have_count(requested_items(product, codigo))
    expect(page.locator("#quote-total")).to_have_text(re.compile(r"^\$\d{1,3}(\.\d{3})*$"))

    again = page.context.new_page()
    again.goto(shared_url)
    expect(again.locator(".result-row").filter(has_text=codigo)).to_have_count(1)


def test_search_explains_empty_and_invalid_queries(product, page):
    page.goto(product.base_url + "/buscar?q=zzzxxqqq&alcance=todas")
    expect(page.locator("#search-empty")).to_contain_text("Sin resultados para «zzzxxqqq»")
    page.goto(product.base_url + "/buscar?q=" + "x" * 300)
    expect(page.locator("#page-error")).to_contain_text("demasiado larga")


def test_prices_page_answers_first(product, page):
    page.goto(product.base_url + "/precios?producto=resma+papel+carta")
    expect(page.locator("#suggested-price")).to_have_text(re.compile(r"^\$\d"), timeout=30_000)
    expect(page.locator("#price-trend .main-svg").first).to_be_visible()
    expect(page.get_by_text("Quién gana")).to_be_visible()


def test_pages_fit_a_phone_screen(product, browser):
    codigo, _, _ = an_open_tender(product)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="es-CL")
    product.sign_in(context)
    phone = context.new_page()
    overflows = {}
    for path, ready in [
        ("/buscar?alcance=abiertas", ".result-card"),
        (f"/licitacion/{codigo}", "#suggested-price"),
        ("/precios?producto=resma+papel+carta", "#suggested-price"),
    ]:
        phone.goto(product.base_url + path)
        expect(phone.locator(ready).first).to_be_visible(timeout=30_000)
        overflows[path] = phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    context.close()
    assert all(overflow <= 0 for overflow in overflows.values()), overflows


def test_organismo_filter_narrows_the_search(product, page):
    with psycopg.connect(product.database_url) as conn:
        organismo, count = conn.execute(
            """
            SELECT b.organismo, count(*) FROM tenders t JOIN buyers b ON b.id = t.buyer_id
            WHERE t.state = 'publicada' AND t.closes_at > now() GROUP BY 1 ORDER BY 2 DESC LIMIT 1
            """
        ).fetchone()
    page.goto(product.base_url + "/buscar")
    page.get_by_label("Organismo").fill(organismo)
    page.locator("#search-submit").click()
    expect(page).to_have_url(re.compile(r"organismo="))
    expect(page.locator("#search-total")).to_have_text(f"{count} resultado" + ("s" if count != 1 else ""))


def test_profiles_are_one_click_away(product, page):
    codigo, _, _ = an_open_tender(product)
    page.goto(f"{product.base_url}/licitacion/{codigo}")
    page.locator("#buyer-link").click()
    expect(page).to_have_url(re.compile(r"/organismo/\d+"))
    expect(page.locator("#profile-name")).not_to_be_empty()
    expect(page.locator("#buyer-processes")).to_have_text(re.compile(r"^\d"))

    page.goto(product.base_url + "/precios?producto=resma+papel+carta")
    page.get_by_role("table").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/proveedor/\d+-[\dK]"))
    expect(page.locator("#supplier-wins")).to_contain_text(" de ")
    expect(page.locator("#supplier-price-position")).to_contain_text("mediana")


def test_buscar_says_when_just_imported_tenders_are_not_searchable_yet(product, page):
    """A bulk import's tenders wait for their search columns (filled right after it lands): Buscar
    says how many wait instead of looking as if they did not exist."""
    with psycopg.connect(product.database_url, autocommit=True) as conn:
        with conn.transaction():
            conn.execute("SET LOCAL compraagil.defer_search_index = on")
            conn.execute(
                "INSERT INTO tenders (codigo, name, state, source) VALUES ('8888-1-COT26', 'Zarandas de madera', 'cerrada', 'cot')"
            )
        try:
            page.goto(product.base_url + "/buscar?q=zarandas&alcance=todas")
            expect(page.locator("#search-indexing")).to_contain_text(
                "1 licitación recién importada aún se está indexando"
            )
            expect(page.locator("#search-empty")).to_be_visible()
        finally:
            conn.execute(
                "UPDATE tenders SET search_vector = tender_search_vector(name, items_text, description),"
                " search_document = tender_search_document(name, items_text) WHERE search_vector IS NULL"
            )
