"""Tenders as a dense table on wide screens and as cards on a phone."""

import reflex as rx


def _name(row) -> rx.Component:
    return rx.link(
        rx.foreach(
            row.segments,
            lambda segment: rx.cond(
                segment.marked,
                rx.el.mark(segment.text, style={"background": "var(--amber-a5)", "color": "inherit"}),
                rx.text.span(segment.text),
            ),
        ),
        href=row.href,
        weight="medium",
        class_name="tender-link",
    )


MEANING_HINT = "Ninguna de tus palabras está en su texto: aparece porque trata de lo mismo."


def _by_meaning(row) -> rx.Component:
    """«Por significado» on a tender found by meaning alone, with why on hover."""
    return rx.cond(
        row.by_meaning,
        rx.tooltip(
            rx.badge("Por significado", color_scheme="violet", variant="soft", class_name="by-meaning"),
            content=MEANING_HINT,
        ),
    )


def _closing(row) -> rx.Component:
    return rx.tooltip(
        rx.badge(row.closes, color_scheme=row.urgency, variant="soft"),
        content=row.closes_at,
    )


def _table(rows) -> rx.Component:
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell("Compra Ágil"),
                rx.table.column_header_cell("Región"),
                rx.table.column_header_cell("Cierre"),
                rx.table.column_header_cell("Monto disponible", justify="end"),
            )
        ),
        rx.table.body(
            rx.foreach(
                rows,
                lambda row: rx.table.row(
                    rx.table.cell(
                        rx.vstack(
                            rx.hstack(_name(row), _by_meaning(row), align="center", wrap="wrap"),
                            rx.text(row.organismo, " · ", row.codigo, size="1", color_scheme="gray"),
                            spacing="1",
                        ),
                        max_width="560px",
                    ),
                    rx.table.cell(row.region),
                    rx.table.cell(_closing(row)),
                    rx.table.cell(row.amount, justify="end", style={"font_variant_numeric": "tabular-nums"}),
                    class_name="result-row",
                ),
            )
        ),
        variant="surface",
        width="100%",
    )


def _cards(rows) -> rx.Component:
    return rx.vstack(
        rx.foreach(
            rows,
            lambda row: rx.card(
                rx.vstack(
                    _name(row),
                    _by_meaning(row),
                    rx.text(row.organismo, size="1", color_scheme="gray"),
                    rx.hstack(_closing(row), rx.spacer(), rx.text(row.amount, weight="bold"), width="100%"),
                    spacing="2",
                ),
                width="100%",
                class_name="result-card",
            ),
        ),
        width="100%",
    )


def tender_list(rows) -> rx.Component:
    return rx.box(
        rx.tablet_and_desktop(_table(rows)),
        rx.mobile_only(_cards(rows)),
        width="100%",
    )
