"""Accounts in Chromium: sign up → mail → verify → log in → company RUT → FREE limit → admin upgrades
→ allowed → log out (the old cookie is dead); and the attacks: throttling, reused reset link, forged
cookie, anonymous visitors, security headers with the app still working under its CSP."""

import re
import secrets
import time

import psycopg
from playwright.sync_api import Page, expect

from compraagil.mail.devserver import read_messages
from tests.e2e.conftest import SESSION_COOKIE

PASSWORD = "martillos-y-clavos-26"
PRICES = "/precios?producto=resma+papel+carta"


def mail_to(product, email: str, after: int = 0, timeout: float = 20) -> str:
    """The body of the newest message to `email` (waiting for one beyond the first `after`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mine = [m for m in read_messages(product.mail_dir) if m["To"] == email]
        if len(mine) > after:
            return mine[-1].get_content()
        time.sleep(0.3)
    raise AssertionError(f"no email for {email}")


def link_in(body: str) -> str:
    return re.search(r"https?://\S+", body).group(0)


def log_in(page: Page, product, email: str, password: str) -> None:
    page.goto(product.base_url + "/entrar")
    page.get_by_label("Correo").fill(email)
    page.get_by_label("Contraseña").fill(password)
    page.locator("#login-submit").click()


def a_supplier_rut(product) -> str:
    with psycopg.connect(product.database_url) as conn:
        return conn.execute("SELECT rut FROM suppliers ORDER BY id LIMIT 1").fetchone()[0]


def session_cookie(page: Page) -> dict:
    return next(c for c in page.context.cookies() if c["name"] == SESSION_COOKIE)


def test_sign_up_to_upgrade_and_log_out(product, visitor: Page, browser):
    email = f"ana-{secrets.token_hex(3)}@ferreteria-e2e.cl"
    page = visitor
    page.goto(product.base_url + "/crear-cuenta")
    page.get_by_label("Razón social (opcional)").fill("Ferretería E2E")
    page.get_by_label("Correo").fill(email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.locator("#signup-submit").click()
    expect(page.locator("#signup-done")).to_contain_text(email)

    page.goto(link_in(mail_to(product, email)))
    expect(page.locator("#verify-done")).to_contain_text("Confirmamos")

    log_in(page, product, email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/cuenta$"))
    expect(page.locator("#account-plan")).to_have_text("Free")

    rut = a_supplier_rut(product)
    page.get_by_label("RUT").fill(rut)
    page.locator("#company-submit").click()
    expect(page.locator("#company-ok")).to_be_visible()
    expect(page.locator("#my-history")).to_have_attribute("href", f"/proveedor/{rut}")

    for _ in range(2):
        page.goto(product.base_url + PRICES)
        expect(page.locator("#suggested-price")).to_have_text(re.compile(r"^\$\d"), timeout=30_000)
    page.goto(product.base_url + PRICES)
    expect(page.locator("#quota-exceeded")).to_contain_text(
        "El plan Emprendedor da 5 análisis de precio al día"
    )
    expect(page.locator("#upgrade-link")).to_have_attribute("href", "/planes")
    expect(page.locator("#suggested-price")).to_have_count(0)

    staff = f"equipo-{secrets.token_hex(3)}@compraagil.cl"
    product.cli("users", "create", staff, "--password", "equipo-compraagil-26", "--staff")
    admin_context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="es-CL")
    product.sign_in(admin_context, staff)
    admin = admin_context.new_page()
    admin.goto(product.base_url + "/admin")
    company = admin.locator("#company_id option", has_text="Ferretería E2E").first.get_attribute("value")
    admin.locator("#company_id").select_option(company)
    admin.locator("#plan").select_option("PYME")
    admin.get_by_label("Motivo").fill("transferencia e2e")
    admin.locator("#admin-change-plan").click()
    expect(admin.locator("#admin-ok")).to_contain_text("Pyme")
    expect(admin.get_by_text("transferencia e2e")).to_be_visible()
    admin_context.close()

    page.goto(product.base_url + PRICES)
    expect(page.locator("#suggested-price")).to_have_text(re.compile(r"^\$\d"), timeout=30_000)

    old = session_cookie(page)
    page.locator("#nav-logout").click()
    expect(page).to_have_url(re.compile(r"/entrar"))
    page.context.add_cookies([{"name": SESSION_COOKIE, "value": old["value"], "url": product.base_url}])
    page.goto(product.base_url + "/cuenta")
    expect(page).to_have_url(re.compile(r"/entrar\?siguiente=%2Fcuenta(%2F)?$"))


def test_wrong_passwords_are_throttled(product, visitor: Page):
    email = f"lento-{secrets.token_hex(3)}@ejemplo.cl"
    product.cli("users", "create", email, "--password", PASSWORD)
    for _ in range(5):
        tab = visitor.context.new_page()
        log_in(tab, product, email, "no-es-la-clave-123")
        expect(tab.locator("#login-error")).to_have_text("Correo o contraseña incorrectos.")
        tab.close()
    log_in(visitor, product, email, PASSWORD)
    expect(visitor.locator("#login-error")).to_contain_text(re.compile(r"Espera \d+ minutos"))


def test_unknown_email_and_reused_reset_link(product, visitor: Page):
    email = f"olvido-{secrets.token_hex(3)}@ejemplo.cl"
    product.cli("users", "create", email, "--password", PASSWORD)
    answers = []
    for address in (email, "nadie-aqui@ejemplo.cl"):
        tab = visitor.context.new_page()
        tab.goto(product.base_url + "/recuperar")
        tab.get_by_label("Correo").fill(address)
        tab.locator("#recover-submit").click()
        answers.append(tab.locator("#recover-done").inner_text())
    assert answers[0] == answers[1]

    link = link_in(mail_to(product, email))
    for attempt, new_password in enumerate(("tornillos-nuevos-2026", "tornillos-otra-vez-2026")):
        tab = visitor.context.new_page()
        tab.goto(link)
        tab.get_by_label("Contraseña nueva").fill(new_password)
        tab.locator("#reset-submit").click()
        if attempt == 0:
            expect(tab.locator("#recover-done")).to_contain_text("Tu contraseña cambió")
        else:
            expect(tab.locator("#recover-error")).to_contain_text("ya se usó")
    log_in(visitor, product, email, "tornillos-nuevos-2026")
    expect(visitor).to_have_url(re.compile(r"/cuenta$"))


def test_forged_cookie_and_anonymous_visitors_get_no_private_data(product, visitor: Page):
    visitor.context.add_cookies(
        [{"name": SESSION_COOKIE, "value": secrets.token_urlsafe(32), "url": product.base_url}]
    )
    visitor.goto(product.base_url + "/cuenta")
    expect(visitor).to_have_url(re.compile(r"/entrar\?siguiente=%2Fcuenta(%2F)?$"))
    visitor.goto(product.base_url + PRICES)
    expect(visitor).to_have_url(re.compile(r"/entrar\?siguiente=%2Fprecios(%2F)?%3Fproducto%3Dresma"))
    visitor.goto(product.base_url + "/admin")
    expect(visitor).to_have_url(re.compile(r"/entrar"))
    visitor.goto(product.base_url + "/buscar?alcance=abiertas")
    expect(visitor.locator(".result-row").first).to_be_visible()
    visitor.locator(".result-row").first.get_by_role("link").first.click()
    expect(visitor.locator("#guidance-account-needed")).to_be_visible(timeout=30_000)
    expect(visitor.locator("#suggested-price")).to_have_count(0)


def test_security_headers_and_the_app_works_under_its_csp(product, page: Page):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    response = page.goto(product.base_url + PRICES)
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    expect(page.locator("#suggested-price")).to_have_text(re.compile(r"^\$\d"), timeout=30_000)
    expect(page.locator("#price-distribution .main-svg").first).to_be_visible()
    page.goto(product.base_url + "/cuenta")
    expect(page.locator("#account-plan")).to_have_text("Profesional")
    assert violations == []
    assert "content-security-policy" in page.request.get(product.base_url + "/healthz").headers


def test_forms_cannot_submit_before_the_app_connects(product, visitor: Page):
    """Held before hydration, the login button is disabled: no native GET puts the password in the URL."""
    visitor.route_web_socket(re.compile(r"/_event"), lambda socket: None)
    visitor.goto(product.base_url + "/entrar")
    visitor.get_by_label("Correo").fill("alguien@ejemplo.cl")
    visitor.get_by_label("Contraseña").fill(PASSWORD)
    expect(visitor.locator("#login-submit")).to_be_disabled()
    visitor.locator("#login-submit").click(force=True)
    visitor.wait_for_timeout(500)
    assert "alguien" not in visitor.url and PASSWORD not in visitor.url
