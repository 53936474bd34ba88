"""Boletas and facturas for paid orders, notas de crédito for refunds: numbered per kind without
gaps (the number is taken in the issuing transaction), IVA 19 % inside the plan's price, never
changed after issue (the database refuses it). Sending them to the SII is behind `TaxAuthority`."""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select, text
from sqlmodel import Session

from compraagil.chile.rut import format_rut, parse_rut
from compraagil.errors import InvalidInput, NotFound
from compraagil.models import Company, Invoice, Payment
from compraagil.plans.table import get_plan

log = logging.getLogger(__name__)

VAT_RATE = 19
KIND_LABELS = {
    "boleta": "Boleta electrónica",
    "factura": "Factura electrónica",
    "nota_credito": "Nota de crédito electrónica",
}


class TaxAuthority(Protocol):
    """Where issued documents go to be stamped (the SII): out of scope for now."""

    def submit(self, invoice: Invoice) -> None: ...


class NotSubmitted:
    """No SII connection configured: say in the log that the document waits to be sent."""

    def submit(self, invoice: Invoice) -> None:
        log.info(
            "invoice issued, not sent to the SII (no connection configured)",
            extra={"kind": invoice.kind, "number": invoice.number},
        )


TAX_AUTHORITY: TaxAuthority = NotSubmitted()


def split_vat(total_clp: int) -> tuple[int, int]:
    """(neto, IVA) of a price that includes 19 % IVA, in whole pesos, adding up to it."""
    net = round(total_clp * 100 / (100 + VAT_RATE))
    return net, total_clp - net


@dataclass(frozen=True)
class Buyer:
    rut: str | None
    name: str
    giro: str | None
    address: str | None

    @property
    def wants_factura(self) -> bool:
        return bool(self.rut and self.name.strip() and self.giro and self.address)


def buyer_of(company: Company) -> Buyer:
    rut = format_rut(parse_rut(company.rut)) if company.rut else None
    return Buyer(rut, company.name or "Cliente", company.billing_giro, company.billing_address)


def _next_number(session: Session, kind: str) -> int:
    return session.execute(
        text("UPDATE invoice_numbers SET last = last + 1 WHERE kind = :kind RETURNING last"), {"kind": kind}
    ).scalar_one()


def issue_for_payment(session: Session, payment: Payment, *, period: str) -> Invoice:
    """The document for a paid order: a factura when the company gave RUT, razón social, giro and
    dirección; a boleta otherwise."""
    company = session.get(Company, payment.company_id)
    buyer = buyer_of(company)
    kind = "factura" if buyer.wants_factura else "boleta"
    description = f"Plan {get_plan(payment.plan).name} de CompraAgil, {period}"
    if payment.credit_clp:
        description += (
            f" (descuento por los días no usados del plan anterior: ${payment.credit_clp:,})".replace(
                ",", "."
            )
        )
    net, vat = split_vat(payment.amount_clp)
    invoice = Invoice(
        kind=kind, number=_next_number(session, kind), company_id=company.id, payment_id=payment.id,
        buyer_rut=buyer.rut if kind == "factura" else None, buyer_name=buyer.name,
        buyer_giro=buyer.giro if kind == "factura" else None, buyer_address=buyer.address if kind == "factura" else None,
        description=description, net_clp=net, vat_clp=vat, total_clp=payment.amount_clp,
    )  # fmt: skip
    session.add(invoice)
    session.flush()
    TAX_AUTHORITY.submit(invoice)
    return invoice


def issue_credit_note(session: Session, *, invoice_id: int, reason: str) -> Invoice:
    """A nota de crédito cancelling a whole boleta or factura (a refund); one per document."""
    original = session.get(Invoice, invoice_id)
    if original is None or original.kind == "nota_credito":
        raise NotFound("No encontramos esa boleta o factura.")
    if session.execute(select(Invoice.id).where(Invoice.corrects_id == invoice_id)).first():
        raise InvalidInput("Ese documento ya tiene una nota de crédito.")
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("Escribe el motivo de la nota de crédito.")
    label = KIND_LABELS[original.kind].split()[0].lower()
    note = Invoice(
        kind="nota_credito", number=_next_number(session, "nota_credito"), company_id=original.company_id,
        payment_id=original.payment_id, corrects_id=original.id, buyer_rut=original.buyer_rut,
        buyer_name=original.buyer_name, buyer_giro=original.buyer_giro, buyer_address=original.buyer_address,
        description=f"Anula {label} N° {original.number}: {reason}", net_clp=original.net_clp,
        vat_clp=original.vat_clp, total_clp=original.total_clp,
    )  # fmt: skip
    session.add(note)
    session.flush()
    TAX_AUTHORITY.submit(note)
    return note


@dataclass(frozen=True)
class InvoiceView:
    id: int
    kind: str
    label: str
    number: int
    total_clp: int
    issued_at: datetime
    description: str


def list_invoices(*, session: Session, company_id: int) -> list[InvoiceView]:
    rows = session.execute(
        select(Invoice)
        .where(Invoice.company_id == company_id)
        .order_by(Invoice.issued_at.desc(), Invoice.id.desc())
    ).scalars()
    return [
        InvoiceView(
            row.id, row.kind, KIND_LABELS[row.kind], row.number, row.total_clp, row.issued_at, row.description
        )
        for row in rows
    ]


def get_invoice(*, session: Session, company_id: int, invoice_id: int) -> Invoice:
    """One of the company's documents; NotFound for any other (never revealing that it exists)."""
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or invoice.company_id != company_id:
        raise NotFound("No encontramos ese documento.")
    return invoice
