"""Payments on a real database: Flow and Stripe checkout against local servers speaking their
protocols to the web backend over HTTP; an order settled once whatever the replays; forged and
tampered notifications refused; subscriptions that renew, fall into grace, end; gapless invoices."""

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import select, text

from compraagil.accounts import admin
from compraagil.accounts.companies import update_company
from compraagil.accounts.service import set_staff
from compraagil.db import session_scope
from compraagil.errors import Forbidden, InvalidInput, QuotaExceeded
from compraagil.mail.devserver import read_messages
from compraagil.models import Company, Invoice, Payment, Subscription
from compraagil.payments import billing, checkout, subscriptions
from compraagil.payments.business import business_figures
from compraagil.payments.devstripe import signature_header
from compraagil.payments.periodic import run_due
from compraagil.plans.quotas import require_included
from compraagil.plans.table import Feature
from tests.factories import account
from tests.integration.payments_world import payments_world


@pytest.fixture
def world(services, monkeypatch, tmp_path):
    with payments_world(monkeypatch, tmp_path) as running:
        yield running


def pay_url(
    user_id: int, company_id: int, plan: str, provider: str = "flow", now: datetime | None = None
) -> str:
    with session_scope() as session:
        return checkout.start_checkout(
            session=session,
            user_id=user_id,
            company_id=company_id,
            plan_code=plan,
            provider=provider,
            now=now,
        )


def token(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]


def state(company_id: int) -> tuple[str, Subscription | None, list[Invoice], list[Payment]]:
    with session_scope() as session:
        plan = session.get(Company, company_id).plan
        held = session.get(Subscription, company_id)
        documents = (
            session.execute(select(Invoice).where(Invoice.company_id == company_id).order_by(Invoice.id))
            .scalars()
            .all()
        )
        orders = (
            session.execute(select(Payment).where(Payment.company_id == company_id).order_by(Payment.id))
            .scalars()
            .all()
        )
        session.expunge_all()
        return plan, held, documents, orders


def test_flow_paid_once_however_often_it_is_confirmed(world):
    user_id, company_id = account("flow@ejemplo.cl", plan="FREE")
    url = pay_url(user_id, company_id, "PYME")
    assert pay_url(user_id, company_id, "PYME") == url  # a second click: the same order
    assert httpx.get(url).text.count("$9.990") == 1
    world.payments.flow.pay(token(url))
    assert world.payments.flow.confirmations[-1][1] == 200
    for _ in range(2):
        assert world.payments.flow.confirm(token(url)) == 200
    plan, held, documents, orders = state(company_id)
    assert plan == "PYME" and held.status == "active" and len(orders) == 1 and orders[0].status == "paid"
    assert 28 <= (held.period_end - held.period_start).days <= 31
    (boleta,) = documents
    assert (boleta.kind, boleta.number, boleta.net_clp, boleta.vat_clp, boleta.total_clp) == (
        "boleta",
        1,
        8395,
        1595,
        9990,
    )


def test_forged_or_tampered_flow_confirmations_grant_nothing(world):
    user_id, company_id = account("flow@ejemplo.cl", plan="FREE")
    url = pay_url(user_id, company_id, "PROFESIONAL")
    forged = httpx.post(world.base_url + "/api/payments/flow/confirmation", data={"token": "INVENTADO"})
    assert 400 <= forged.status_code < 500
    world.payments.flow.orders[token(url)].params["amount"] = "100"  # Flow says a different amount
    world.payments.flow.orders[token(url)].status = 2
    assert world.payments.flow.confirm(token(url)) == 403
    plan, held, documents, orders = state(company_id)
    assert plan == "FREE" and held is None and documents == [] and orders[0].status == "pending"


def test_a_rejected_flow_payment_changes_no_plan_and_the_return_page_shows_it(world):
    user_id, company_id = account("flow@ejemplo.cl", plan="FREE")
    url = pay_url(user_id, company_id, "PYME")
    back = httpx.post(
        f"{world.payments.flow.public_base}/app/web/pay.php", data={"token": token(url), "decision": "reject"}
    )
    assert "flow-return" in back.text
    returned = httpx.post(world.base_url + "/api/payments/flow/return", data={"token": token(url)})
    assert returned.status_code == 303 and returned.headers["location"].endswith(
        f"/pago?orden={state(company_id)[3][0].public_id}"
    )
    plan, _, documents, orders = state(company_id)
    assert plan == "FREE" and documents == [] and orders[0].status == "rejected"


def test_stripe_checkout_renewal_failure_and_end_by_signed_webhooks(world):
    user_id, company_id = account("stripe@ejemplo.cl", plan="FREE")
    stripe = world.payments.stripe
    url = pay_url(user_id, company_id, "EMPRENDEDOR", "stripe")
    session_id = urlsplit(url).path.rsplit("/", 1)[1]
    event = stripe.complete(session_id)
    assert stripe.delivered[-1][1] == 200
    assert stripe.post(json.dumps(event)) == 200  # replayed: recognised, nothing more
    plan, held, documents, _ = state(company_id)
    assert plan == "EMPRENDEDOR" and held.provider_ref.startswith("sub_") and len(documents) == 1
    first_end = held.period_end

    stripe.renew(held.provider_ref)
    _, held, documents, orders = state(company_id)
    assert len(documents) == 2 and held.period_end > first_end and orders[-1].purpose == "renewal"
    stripe.renew(held.provider_ref, paid=False)
    assert state(company_id)[1].status == "past_due" and state(company_id)[0] == "EMPRENDEDOR"
    stripe.delete(held.provider_ref)
    assert state(company_id)[0] == "FREE"


def test_forged_stripe_webhooks_get_4xx_and_grant_nothing(world):
    user_id, company_id = account("stripe@ejemplo.cl", plan="FREE")
    url = pay_url(user_id, company_id, "PYME", "stripe")
    session_id = urlsplit(url).path.rsplit("/", 1)[1]
    checkout_object = dict(
        world.payments.stripe.sessions[session_id], payment_status="paid", status="complete"
    )
    event = {
        "id": "evt_forjado",
        "object": "event",
        "type": "checkout.session.completed",
        "data": {"object": checkout_object},
    }
    payload = json.dumps(event)
    stripe = world.payments.stripe
    assert stripe.post(payload, signature=signature_header(payload, "whsec_otro")) == 400
    assert stripe.post(payload, signature="t=1,v1=abc") == 400
    old = signature_header(
        payload, stripe.webhook_secret, timestamp=int(datetime.now(UTC).timestamp()) - 3600
    )
    assert stripe.post(payload, signature=old) == 400
    cheap = json.dumps({**event, "data": {"object": {**checkout_object, "amount_total": 1}}})
    assert stripe.post(cheap) == 403  # signed, but not the order's amount
    assert state(company_id)[0] == "FREE" and state(company_id)[2] == []


def test_cancel_keeps_the_plan_to_the_period_end_then_free(world):
    user_id, company_id = account("flow@ejemplo.cl", plan="FREE")
    world.payments.flow.pay(token(pay_url(user_id, company_id, "PYME")))
    with session_scope() as session:
        subscriptions.set_cancel_at_period_end(session, user_id=user_id, company_id=company_id, cancel=True)
    end = state(company_id)[1].period_end
    run_due(end - timedelta(minutes=1))
    assert state(company_id)[0] == "PYME"
    run_due(end + timedelta(seconds=1))
    plan, held, _, _ = state(company_id)
    assert plan == "FREE" and held.status == "ended"


def test_an_unpaid_flow_renewal_is_reminded_then_keeps_the_plan_through_grace_then_free(world):
    user_id, company_id = account("flow@ejemplo.cl", plan="FREE")
    world.payments.flow.pay(token(pay_url(user_id, company_id, "PYME")))
    end = state(company_id)[1].period_end
    assert "1 recordatorios" in run_due(end - timedelta(days=2))
    assert "0 recordatorios" in run_due(end - timedelta(days=1))  # once per period
    (reminder,) = [m for m in read_messages(world.mail.folder) if "se renueva" in m["Subject"]]
    assert "/planes" in reminder.get_content()
    run_due(end + timedelta(seconds=1))
    plan, held, _, _ = state(company_id)
    assert plan == "PYME" and held.status == "past_due"
    run_due(held.grace_until + timedelta(seconds=1))
    assert state(company_id)[0] == "FREE"


def test_renewing_early_continues_the_period_and_an_upgrade_credits_the_unused_days(world):
    user_id, company_id = account("flow@ejemplo.cl", plan="FREE")
    world.payments.flow.pay(token(pay_url(user_id, company_id, "PYME")))
    held = state(company_id)[1]
    halfway = held.period_start + (held.period_end - held.period_start) / 2
    url = pay_url(user_id, company_id, "PROFESIONAL", now=halfway)
    upgrade = state(company_id)[3][-1]
    assert (
        upgrade.purpose == "upgrade"
        and upgrade.credit_clp in (4994, 4995)
        and upgrade.amount_clp == 19_990 - upgrade.credit_clp
    )
    world.payments.flow.pay(token(url))
    plan, _, documents, _ = state(company_id)
    assert plan == "PROFESIONAL" and "descuento por los días no usados" in documents[-1].description
    with pytest.raises(InvalidInput, match="bajar al plan Pyme"):
        pay_url(user_id, company_id, "PYME")


def test_invoices_are_numbered_without_gaps_and_never_change(world):
    companies = [account(f"c{n}@ejemplo.cl", plan="FREE") for n in range(8)]
    tokens = [token(pay_url(user, company, "EMPRENDEDOR")) for user, company in companies]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(world.payments.flow.pay, tokens))
    with session_scope() as session:
        numbers = sorted(session.execute(select(Invoice.number).where(Invoice.kind == "boleta")).scalars())
        assert numbers == list(range(1, 9))
    with pytest.raises(Exception, match="never changed"), session_scope() as session:
        session.execute(text("UPDATE invoices SET total_clp = 1 WHERE number = 1"))


def test_a_company_with_billing_details_gets_a_factura(world):
    user_id, company_id = account("factura@ejemplo.cl", plan="FREE")
    with session_scope() as session:
        update_company(
            session=session,
            user_id=user_id,
            company_id=company_id,
            name="Ferretería Lautaro Ltda.",
            rut="76.086.428-5",
        )
        billing.update_billing(
            session=session,
            user_id=user_id,
            company_id=company_id,
            giro="Ferretería",
            address="Lautaro 123, Temuco",
        )
    world.payments.flow.pay(token(pay_url(user_id, company_id, "PYME")))
    (factura,) = state(company_id)[2]
    assert (factura.kind, factura.buyer_rut, factura.buyer_giro) == ("factura", "76.086.428-5", "Ferretería")


def test_business_figures_conversion_after_a_refusal_and_a_credit_note(world):
    pyme_user, pyme = account("pyme@ejemplo.cl", plan="FREE")
    with session_scope() as session, pytest.raises(QuotaExceeded):
        require_included(session=session, company_id=pyme, feature=Feature.API)
    world.payments.flow.pay(token(pay_url(pyme_user, pyme, "PYME")))
    card_user, card = account("tarjeta@ejemplo.cl", plan="FREE")
    stripe_url = pay_url(card_user, card, "EMPRENDEDOR", "stripe")
    world.payments.stripe.complete(urlsplit(stripe_url).path.rsplit("/", 1)[1])
    with session_scope() as session:
        figures = business_figures(session=session, now=datetime.now(UTC))
    assert figures.mrr_by_plan == {"PYME": 9990, "EMPRENDEDOR": 4990} and figures.new == 2
    assert (figures.refused_companies, figures.converted_companies) == (1, 1)
    metrics = httpx.get(world.base_url + "/metrics").text
    assert 'compraagil_mrr_clp{plan="PYME"} 9990.0' in metrics
    assert 'compraagil_business_30d{figure="converted_companies"} 1.0' in metrics

    staff, _ = account("staff@compraagil.cl", plan="FREE")
    with session_scope() as session:
        set_staff(session=session, email="staff@compraagil.cl", staff=True)
    with session_scope() as session:
        assert (
            admin.credit_note(
                session=session, user_id=staff, kind="boleta", number=1, reason="reembolso pedido"
            )
            == 1
        )
    with session_scope() as session, pytest.raises(InvalidInput, match="ya tiene una nota de crédito"):
        admin.credit_note(session=session, user_id=staff, kind="boleta", number=1, reason="otra vez")
    with session_scope() as session, pytest.raises(Forbidden):
        admin.credit_note(session=session, user_id=pyme_user, kind="boleta", number=2, reason="me lo merezco")
    notes = [doc for doc in state(pyme)[2] if doc.kind == "nota_credito"]
    assert len(notes) == 1 and notes[0].total_clp == 9990 and "Anula boleta N° 1" in notes[0].description
