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


class TenderQuoteLineView(BaseModel):
    line_number: int
    product: str
    description: str | None
    quantity: Decimal | None
    unit_price: Decimal | None
    amount: Decimal | None
    """The line's own amount; None when the source gives only the quote's total (COT)."""


class TenderQuoteView(BaseModel):
    """One supplier's quote: its total (the quote's, never a sum of copies) and its lines."""

    supplier: str
    rut: str
    quote_number: int
    state: str | None
    state_reason: str | None
    currency: str
    total: Decimal | None
    total_clp: Decimal | None
    winner: bool
    lines: list[TenderQuoteLineView]


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
        return names or list(dict.fromkeys(line.product for quote in self.quotes for line in quote.lines))


def _of_tender(alias: str) -> str:
    """The rows of one tender, found through their partition (its closing date, give or take a day)."""
    return (
        f"{alias}.tender_codigo = :codigo"
        f" AND {alias}.closing_date BETWEEN (:closes)::date - 1 AND (:closes)::date + 1"
    )


QUOTES_SQL = f"""
SELECT q.supplier_id, s.name AS supplier, s.rut, q.quote_number, q.state, q.state_reason, q.currency, q.total,
       q.total_clp, q.winner
FROM quotes q JOIN suppliers s ON s.id = q.supplier_id
WHERE {_of_tender("q")}
ORDER BY q.winner DESC, q.total_clp NULLS LAST, s.name, q.quote_number
"""

LINES_SQL = f"""
SELECT l.supplier_id, l.quote_number, l.line_number, p.name AS product, l.description, l.quantity, l.unit_price,
       l.amount
FROM quote_lines l JOIN products p ON p.id = l.product_id
WHERE {_of_tender("l")}
ORDER BY l.supplier_id, l.quote_number, l.line_number
"""


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
        raise NotFound(f"No encontramos la Compra Ágil «{codigo}». Revisa el código o búscala en Buscar.")
    items = session.execute(
        text(
            "SELECT line_number, name, description, quantity, unit FROM tender_items"
            " WHERE tender_id = :id ORDER BY line_number"
        ),
        {"id": tender.id},
    ).all()
    window = {"codigo": codigo, "closes": tender.closes_at or datetime(1900, 1, 1)}
    quotes = session.execute(text(QUOTES_SQL), window).all()
    lines: dict[tuple[int, int], list[TenderQuoteLineView]] = {}
    for row in session.execute(text(LINES_SQL), window).all():
        fields = dict(row._mapping)
        key = (fields.pop("supplier_id"), fields.pop("quote_number"))
        lines.setdefault(key, []).append(TenderQuoteLineView(**fields))
    fields = {key: value for key, value in tender._mapping.items() if key != "id"}
    return TenderDetail(
        **fields,
        items=[TenderItemView(**row._mapping) for row in items],
        quotes=[
            TenderQuoteView(
                **{k: v for k, v in quote._mapping.items() if k != "supplier_id"},
                lines=lines.get((quote.supplier_id, quote.quote_number), []),
            )
            for quote in quotes
        ],
    )
