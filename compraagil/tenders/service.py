"""Read one tender with its buyer, items and known quotes."""

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import text
from sqlmodel import Session

from compraagil.errors import NotFound

OFFICIAL_RECORD_URL = "https://compra-agil.mercadopublico.cl/resumen-cotizacion/{codigo}"


class TenderItemView(BaseModel):
    line_number: int
    name: str
    description: str | None
    quantity: Decimal | None
    unit: str | None


class TenderQuoteView(BaseModel):
    supplier: str
    rut: str
    product: str
    quantity: Decimal | None
    unit_price: Decimal | None
    amount: Decimal | None
    winner: bool


class TenderDetail(BaseModel):
    codigo: str
    name: str
    description: str | None
    state: str
    organismo: str | None
    unit_name: str | None
    buyer_id: int | None
    region: int | None
    published_at: datetime | None
    closes_at: datetime | None
    amount_available: int | None
    delivery_address: str | None
    delivery_days: int | None
    quotes_received: int | None
    items: list[TenderItemView]
    quotes: list[TenderQuoteView]

    @property
    def official_url(self) -> str:
        return OFFICIAL_RECORD_URL.format(codigo=self.codigo)

    def product_names(self) -> list[str]:
        """What to price: the requested items, or the quoted products when no item is known."""
        names = [item.description or item.name for item in self.items]
        return names or list(dict.fromkeys(quote.product for quote in self.quotes))


def get_tender(*, session: Session, codigo: str) -> TenderDetail:
    """The tender with that code; raises NotFound."""
    tender = session.execute(
        text(
            """
            SELECT t.id, t.codigo, t.name, t.description, t.state, b.organismo, b.unit_name, t.buyer_id,
                   t.region, t.published_at, t.closes_at, t.amount_available, t.delivery_address,
                   t.delivery_days, t.quotes_received
            FROM tenders t LEFT JOIN buyers b ON b.id = t.buyer_id WHERE t.codigo = :codigo
            """
        ),
        {"codigo": codigo},
    ).one_or_none()
    if tender is None:
        raise NotFound(codigo)
    items = session.execute(
        text(
            "SELECT line_number, name, description, quantity, unit FROM tender_items"
            " WHERE tender_id = :id ORDER BY line_number"
        ),
        {"id": tender.id},
    ).all()
    quotes = session.execute(
        text(
            """
            SELECT s.name AS supplier, s.rut, p.name AS product, q.quantity, q.unit_price, q.amount, q.winner
            FROM quotes q JOIN suppliers s ON s.id = q.supplier_id JOIN products p ON p.id = q.product_id
            WHERE q.tender_codigo = :codigo
              AND q.closing_date BETWEEN (:closes)::date - 1 AND (:closes)::date + 1
            ORDER BY p.name, q.unit_price NULLS LAST
            """
        ),
        {"codigo": codigo, "closes": tender.closes_at or datetime(1900, 1, 1)},
    ).all()
    fields = {key: value for key, value in tender._mapping.items() if key != "id"}
    return TenderDetail(
        **fields,
        items=[TenderItemView(**row._mapping) for row in items],
        quotes=[TenderQuoteView(**row._mapping) for row in quotes],
    )
