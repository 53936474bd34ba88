"""Paying in Chromium, through make run's own «pago de prueba» servers (Flow's and Stripe's wire
protocols): FREE → Planes → pay → the order page shows it paid → Cuenta shows the plan and the
boleta (its PDF with the right IVA) → cancel the renewal → still on the plan → the period ends →
FREE. With Flow and with Stripe; and a rejected payment that grants nothing."""

import io
import re

import psycopg
import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from tests.e2e.conftest import RunningProduct

PASSWORD = "martillos-y-clavos-26"


def free_account(product: RunningProduct, browser: Browser, email: str) -> Page:
    product.cli("users", "create", email, "--password", PASSWORD, "--company", "Ferretería Lautaro")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-CL")
    product.sign_in(context, email)
    return context.new_page()


def company_plan(product: RunningProduct, email: str) -> str:
    with psycopg.connect(product.database_url) as conn:
        return conn.execute(
            "SELECT c.plan FROM companies c JOIN users u ON u.company_id = c.id WHERE u.email = %s", (email,)
        ).fetchone()[0]


def end_the_period(product: RunningProduct, email: str) -> None:
    with psycopg.connect(product.database_url, autocommit=True) as conn:
        conn.execute(
            "UPDATE subscriptions SET period_end = now() - interval '1 minute'"
            " WHERE company_id = (SELECT company_id FROM users WHERE email = %s)",
            (email,),
        )
    product.cli("subscriptions")


@pytest.mark.parametrize(
    ("provider", "pay_button", "plan", "price", "net", "vat"),
    [
        ("flow", "#flow-pay", "PYME", "$9.990", "$8.395", "$1.595"),
        ("stripe", "#stripe-pay", "EMPRENDEDOR", "$4.990", "$4.193", "$797"),
    ],
)
def test_pay_get_the_boleta_cancel_and_fall_back_to_free(
    product, browser, provider, pay_button, plan, price, net, vat
):
    email = f"paga-{provider}@ferreteria.cl"
    page = free_account(product, browser, email)
    page.goto(product.base_url + "/planes")
    page.locator(f"#pay-{provider}-{plan}").click()
    expect(page.locator(pay_button)).to_be_visible(timeout=30_000)
    expect(page.get_by_text(price).first).to_be_visible()
    page.locator(pay_button).click()

    expect(page).to_have_url(re.compile(r"/pago/?\?orden=CA-"), timeout=30_000)
    expect(page.locator("#payment-paid")).to_contain_text("está activo hasta el", timeout=30_000)
    assert company_plan(product, email) == plan

    page.goto(product.base_url + "/cuenta")
    expect(page.locator("#subscription-status")).to_contain_text("pagado hasta el")
    pdf_link = page.locator(".invoice-row", has_text="Boleta electrónica N°").locator(".invoice-pdf")
    response = page.request.get(product.base_url + pdf_link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    for figure in ("Neto", net, "IVA 19 %", vat, "Total", price):
        assert figure in pdf_text

    page.locator("#renewal-cancel").click()
    expect(page.locator("#billing-notice")).to_contain_text("Renovación cancelada")
    expect(page.locator("#subscription-status")).to_contain_text("no se renovará")
    assert company_plan(product, email) == plan
    end_the_period(product, email)
    assert company_plan(product, email) == "FREE"
    page.context.close()


def test_a_rejected_flow_payment_grants_nothing(product, browser):
    email = "rechazo@ferreteria.cl"
    page = free_account(product, browser, email)
    page.goto(product.base_url + "/planes")
    page.locator("#pay-flow-PROFESIONAL").click()
    page.locator("#flow-reject").click(timeout=30_000)
    expect(page.locator("#payment-rejected")).to_contain_text("no se cobró nada", timeout=30_000)
    assert company_plan(product, email) == "FREE"
    page.goto(product.base_url + "/cuenta")
    expect(page.locator(".invoice-row")).to_have_count(0)
    page.context.close()


def test_another_companys_order_is_not_shown(product, browser):
    owner = free_account(product, browser, "duena@ferreteria.cl")
    owner.goto(product.base_url + "/planes")
    owner.locator("#pay-flow-PYME").click()
    expect(owner.locator("#flow-pay")).to_be_visible(timeout=30_000)
    with psycopg.connect(product.database_url) as conn:
        (order,) = conn.execute(
            "SELECT p.public_id FROM payments p JOIN users u ON u.id = p.user_id WHERE u.email = 'duena@ferreteria.cl'"
        ).fetchone()
    page = free_account(product, browser, "curioso@ferreteria.cl")
    page.goto(f"{product.base_url}/pago?orden={order}")
    expect(page.locator("#payment-error")).to_contain_text("No encontramos ese pago")
    owner.goto(f"{product.base_url}/pago?orden={order}")
    expect(owner.locator("#payment-pending")).to_be_visible()
    owner.context.close()
    page.context.close()
