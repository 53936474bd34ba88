"""What Cuenta shows about paying: the subscription, the documents issued, and the billing details
a factura needs (the owner edits them)."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from compraagil.errors import Forbidden, InvalidInput
from compraagil.models import Company, User
from compraagil.payments import subscriptions
from compraagil.payments.invoices import InvoiceView, buyer_of, list_invoices
from compraagil.plans.table import get_plan

MAX_FIELD = 120


@dataclass(frozen=True)
class BillingOverview:
    plan_name: str
    subscribed: bool
    status: str
    """`active`, `past_due` (a renewal failed: grace until `grace_until`) or '' without a subscription."""
    provider: str
    period_end: datetime | None
    cancel_at_period_end: bool
    grace_until: datetime | None
    giro: str
    address: str
    gets_factura: bool
    invoices: list[InvoiceView]


def billing_overview(*, session: Session, company_id: int) -> BillingOverview:
    company = session.get(Company, company_id)
    held = subscriptions.current(session, company_id)
    return BillingOverview(
        plan_name=get_plan(company.plan).name, subscribed=held is not None, status=held.status if held else "",
        provider=held.provider if held else "", period_end=held.period_end if held else None,
        cancel_at_period_end=bool(held and held.cancel_at_period_end), grace_until=held.grace_until if held else None,
        giro=company.billing_giro or "", address=company.billing_address or "",
        gets_factura=buyer_of(company).wants_factura, invoices=list_invoices(session=session, company_id=company_id),
    )  # fmt: skip


def update_billing(*, session: Session, user_id: int, company_id: int, giro: str, address: str) -> None:
    """The owner's giro and dirección for facturas (with the company's RUT and razón social)."""
    user = session.get(User, user_id)
    if user is None or user.company_id != company_id or user.role != "owner":
        raise Forbidden("Solo el dueño de la empresa puede cambiar los datos de facturación.")
    giro, address = " ".join(giro.split()), " ".join(address.split())
    if len(giro) > MAX_FIELD or len(address) > MAX_FIELD:
        raise InvalidInput(f"Giro y dirección: hasta {MAX_FIELD} caracteres cada uno.")
    company = session.get(Company, company_id)
    company.billing_giro, company.billing_address = giro or None, address or None
    session.add(company)
