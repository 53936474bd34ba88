"""What a proposal is written from: the tender and its requested items, each priced from the
history (`guide_tender`), and the company that quotes, with the person who asked."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from compraagil.chile.rut import format_rut, parse_rut
from compraagil.models import Company, User
from compraagil.pricing.quote_guidance import QuoteGuidance, guide_tender
from compraagil.tenders.service import TenderDetail, get_tender


@dataclass(frozen=True)
class Supplier:
    """The quoting company as a proposal names it."""

    name: str
    rut: str | None
    """Display form (`76.123.456-7`), when the company gave one."""
    giro: str | None
    address: str | None
    contact_email: str | None


@dataclass(frozen=True)
class ProposalContext:
    tender: TenderDetail
    guidance: QuoteGuidance
    supplier: Supplier
    today: date


def _supplier(company: Company, user: User | None) -> Supplier:
    return Supplier(
        name=company.name or "[Razón social de tu empresa]",
        rut=format_rut(parse_rut(company.rut)) if company.rut else None,
        giro=company.billing_giro,
        address=company.billing_address,
        contact_email=user.email if user else None,
    )


def proposal_context(
    *, session: Session, company_id: int, user_id: int | None, codigo: str, today: date
) -> ProposalContext:
    """Gather everything a writer needs (NotFound when the tender is unknown)."""
    tender = get_tender(session=session, codigo=codigo)
    company = session.get(Company, company_id)
    user = session.get(User, user_id) if user_id else None
    guidance = guide_tender(session=session, detail=tender, today=today).quote
    return ProposalContext(tender=tender, guidance=guidance, supplier=_supplier(company, user), today=today)
