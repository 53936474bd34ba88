"""«Tu cotización sugerida»: every requested item with its suggested unit price, its range, its
subtotal and how sure we are, then the suggested total of the whole quote."""

import dataclasses

import reflex as rx

from compraagil.chile.money import format_clp, format_count, format_quantity
from compraagil.pricing.quote_guidance import QuoteGuidance
from compraagil_web.components.price_summary import CONFIDENCE_COLORS


@dataclasses.dataclass
class QuoteItemRow:
    product: str
    quantity: str
    unit_price: str
    price_range: str
    subtotal: str
    confidence: str
    confidence_color: str


@dataclasses.dataclass
class QuoteView:
    """A quote's guidance, formatted for display (`shown` when it has items)."""

    shown: bool = False
    rows: list[QuoteItemRow] = dataclasses.field(default_factory=list)
    total: str = ""
    note: str = ""


def _row(item) -> QuoteItemRow:
    quantity = (
        format_quantity(item.quantity) + (f" {item.unit}" if item.unit else "") if item.quantity else "—"
    )
    price_range = (
        f"{format_clp(item.competitive)} – {format_clp(item.safe)}" if item.competitive is not None else ""
    )
    return QuoteItemRow(
        product=item.product,
        quantity=quantity,
        unit_price=format_clp(item.suggested_unit_price, missing="Sin precios históricos"),
        price_range=price_range,
        subtotal=format_clp(item.subtotal, missing="—"),
        confidence=item.confidence,
        confidence_color=CONFIDENCE_COLORS.get(item.confidence, "gray"),
    )


def _note(quote: QuoteGuidance) -> str:
    parts = []
    if quote.unpriced:
        parts.append(f"{format_count(quote.unpriced)} sin precio sugerido (sin historial o sin cantidad)")
    if quote.left_out:
        parts.append(f"{format_count(quote.left_out)} productos más no se calcularon")
    return "No incluye " + " y ".join(parts) + "." if parts else ""


def quote_view(quote: QuoteGuidance) -> QuoteView:
    return QuoteView(
        shown=bool(quote.items),
        rows=[_row(item) for item in quote.items],
        total=format_clp(quote.total),
        note=_note(quote),
    )


def _item(row) -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.text(row.product, size="2", weight="medium"),
            rx.hstack(
                rx.text(row.quantity, " × ", row.unit_price, size="2"),
                rx.spacer(),
                rx.text(row.subtotal, size="3", weight="bold", class_name="quote-item-subtotal"),
                width="100%",
                wrap="wrap",
                align="center",
            ),
            rx.hstack(
                rx.badge("Confianza ", row.confidence, color_scheme=row.confidence_color),
                rx.cond(row.price_range != "", rx.text("Rango usual ", row.price_range, size="1", color_scheme="gray")),
                wrap="wrap",
                align="center",
            ),
            spacing="1",
            width="100%",
        ),
        class_name="quote-item",
        padding_y="0.6em",
        border_bottom="1px solid var(--gray-a5)",
        width="100%",
    )  # fmt: skip


def quote_guidance(view) -> rx.Component:
    """`view` is a Var[QuoteView]."""
    return rx.cond(
        view.shown,
        rx.card(
            rx.vstack(
                rx.heading("Tu cotización sugerida", size="4"),
                rx.text("Cada producto pedido, con su precio sugerido por unidad según su propio historial.", size="2", color_scheme="gray"),
                rx.vstack(rx.foreach(view.rows, _item), spacing="0", width="100%"),
                rx.hstack(
                    rx.text("Total sugerido", size="3", weight="medium"),
                    rx.spacer(),
                    rx.heading(view.total, size="6", id="quote-total"),
                    width="100%",
                    align="center",
                ),
                rx.cond(view.note != "", rx.text(view.note, size="1", color_scheme="gray", id="quote-note")),
                spacing="3",
                width="100%",
            ),
            id="quote-guidance",
            width="100%",
        ),
    )  # fmt: skip
