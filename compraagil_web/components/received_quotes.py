"""The quotes a tender received: each quote's lines under its supplier, total and state."""

import dataclasses

import reflex as rx

from compraagil.chile.money import format_clp, format_quantity
from compraagil.tenders.service import TenderDetail
from compraagil_web import routes


@dataclasses.dataclass
class QuoteRow:
    """A line of a received quote; the quote's own fields are filled on its first line only."""

    supplier: str
    supplier_href: str
    total: str
    winner: bool
    state: str
    product: str
    unit_price: str
    amount: str


def quote_rows(detail: TenderDetail) -> list[QuoteRow]:
    """Each quote's lines, under the quote's supplier, total and state (said once per quote)."""
    rows = []
    for quote in detail.quotes:
        state = f"Inadmisible: {quote.state_reason}" if quote.state == "inadmisible" else ""
        total = format_clp(quote.total_clp) if quote.total_clp is not None else ""
        if quote.total_clp is None and quote.total is not None:
            total = f"{format_quantity(quote.total)} {quote.currency}"
        for index, line in enumerate(quote.lines or [None]):
            first = index == 0
            product = (line.product + (f" — {line.description}" if line.description else "")) if line else ""
            rows.append(
                QuoteRow(
                    supplier=quote.supplier if first else "",
                    supplier_href=routes.supplier_url(quote.rut),
                    total=total if first else "",
                    winner=quote.winner and first,
                    state=state if first else "",
                    product=product,
                    unit_price=format_clp(line.unit_price) if line else "",
                    amount=format_clp(line.amount) if line else "",
                )
            )
    return rows


def received_quotes(rows) -> rx.Component:
    """`rows` (a Var[list[QuoteRow]]): a table on wide screens, one card per line on a phone."""
    return rx.cond(
        rows.length() > 0,
        rx.vstack(
            rx.heading("Cotizaciones recibidas", size="4"),
            rx.tablet_and_desktop(_quotes_table(rows), width="100%"),
            rx.mobile_only(_quote_cards(rows), width="100%"),
            width="100%",
        ),
    )


def _quote_badges(q) -> rx.Component:
    return rx.fragment(
        rx.cond(q.winner, rx.badge("Ganadora", color_scheme="green")),
        rx.cond(q.state != "", rx.badge(q.state, color_scheme="orange")),
    )


def _quotes_table(rows) -> rx.Component:
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell("Proveedor"),
                rx.table.column_header_cell("Total cotización", justify="end"),
                rx.table.column_header_cell("Producto"),
                rx.table.column_header_cell("Precio unitario", justify="end"),
                rx.table.column_header_cell("Monto línea", justify="end"),
            )
        ),
        rx.table.body(
            rx.foreach(
                rows,
                lambda q: rx.table.row(
                    rx.table.cell(rx.hstack(rx.link(q.supplier, href=q.supplier_href), _quote_badges(q), wrap="wrap")),
                    rx.table.cell(q.total, justify="end"),
                    rx.table.cell(q.product),
                    rx.table.cell(q.unit_price, justify="end"),
                    rx.table.cell(q.amount, justify="end"),
                ),
            )
        ),
        variant="surface",
        width="100%",
    )  # fmt: skip


def _quote_cards(rows) -> rx.Component:
    return rx.vstack(
        rx.foreach(
            rows,
            lambda q: rx.card(
                rx.vstack(
                    rx.cond(
                        q.supplier != "",
                        rx.hstack(
                            rx.link(q.supplier, href=q.supplier_href, weight="medium"),
                            _quote_badges(q),
                            rx.spacer(),
                            rx.text(q.total, weight="bold"),
                            width="100%",
                            wrap="wrap",
                        ),
                    ),
                    rx.text(q.product, size="2"),
                    rx.hstack(
                        rx.text("Unitario ", q.unit_price, size="1", color_scheme="gray"),
                        rx.text("Línea ", q.amount, size="1", color_scheme="gray"),
                        spacing="3",
                    ),
                    spacing="1",
                    width="100%",
                ),
                width="100%",
                class_name="quote-card",
            ),
        ),
        width="100%",
    )
