"""Guidance for a whole quote: every item a tender asks for priced from its own history (quantity ×
suggested unit price, with the usual range and how sure we are), and the suggested total. One use
of the plan's price analyses covers the whole tender."""

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from compraagil.plans.quotas import metered
from compraagil.plans.table import Feature
from compraagil.pricing.service import PriceAnalysis, PriceQuery, analyze_prices
from compraagil.tenders.service import TenderDetail, get_tender

MAX_ITEMS = 30
"""Items priced per tender; the rest are counted as left out (real Compras Ágiles ask for a few)."""
NO_DATA = "sin datos"


class ItemGuidance(BaseModel):
    """One requested item: what to charge per unit and for its quantity."""

    product: str
    quantity: Decimal | None
    unit: str | None
    suggested_unit_price: int | None
    """The analysis's suggested price in whole pesos (what goes on the quote)."""
    competitive: float | None
    """The 25th percentile of the prices it is judged on (winners' when there are enough)."""
    safe: float | None
    """The 60th percentile."""
    confidence: str
    """`alta`, `media`, `baja` (by how many prices back it) or `sin datos`."""
    sample_size: int
    subtotal: float | None
    """Quantity × suggested unit price, when both are known."""
    median: float | None = None
    """The median of every quote's unit price (the win model weighs prices against it)."""


class QuoteGuidance(BaseModel):
    items: list[ItemGuidance]
    total: float
    """The sum of the known subtotals."""
    unpriced: int
    """Items without a subtotal (no price history, or no quantity)."""
    left_out: int
    """Items beyond MAX_ITEMS, not priced."""

    @property
    def complete(self) -> bool:
        return not self.unpriced and not self.left_out


class TenderGuidance(BaseModel):
    """The quote's guidance and the full analysis of its first item (for the charts)."""

    quote: QuoteGuidance
    first: PriceAnalysis | None


def _query(product: str, detail: TenderDetail) -> PriceQuery | None:
    try:
        return PriceQuery(product=product[:200], buyer_id=detail.buyer_id, region=detail.region, narrow=False)
    except ValidationError:
        return None


def _item(
    product: str, quantity: Decimal | None, unit: str | None, analysis: PriceAnalysis | None
) -> ItemGuidance:
    figures = analysis and (analysis.winning_quotes or analysis.all_quotes)
    price = round(analysis.suggested_price) if analysis and figures else None
    return ItemGuidance(
        product=product,
        quantity=quantity,
        unit=unit,
        suggested_unit_price=price,
        competitive=figures.p25 if figures else None,
        safe=figures.p60 if figures else None,
        confidence=analysis.confidence if price is not None else NO_DATA,
        sample_size=analysis.sample_size if analysis else 0,
        subtotal=float(quantity) * price if price is not None and quantity else None,
        median=analysis.all_quotes.p50 if analysis and analysis.all_quotes else None,
    )


def guide_tender(*, session: Session, detail: TenderDetail, today: date | None = None) -> TenderGuidance:
    """Price every requested item of the tender (or, when it lists none, every product quoted)."""
    wanted = [(i.description or i.name, i.quantity, i.unit) for i in detail.items]
    if not wanted:
        wanted = [(name, None, None) for name in detail.product_names()]
    items, first = [], None
    for index, (product, quantity, unit) in enumerate(wanted[:MAX_ITEMS]):
        query = _query(product, detail)
        analysis = analyze_prices(session=session, query=query, today=today) if query else None
        first = analysis if index == 0 else first
        items.append(_item(product, quantity, unit, analysis))
    subtotals = [item.subtotal for item in items if item.subtotal is not None]
    quote = QuoteGuidance(
        items=items,
        total=sum(subtotals),
        unpriced=len(items) - len(subtotals),
        left_out=max(0, len(wanted) - MAX_ITEMS),
    )
    return TenderGuidance(quote=quote, first=first)


def metered_tender_guidance(*, session: Session, company_id: int, codigo: str) -> TenderGuidance:
    """`guide_tender` for the company, counted as one price analysis of its plan."""
    detail = get_tender(session=session, codigo=codigo)
    with metered(session=session, company_id=company_id, feature=Feature.PRICE_ANALYSIS):
        return guide_tender(session=session, detail=detail)
