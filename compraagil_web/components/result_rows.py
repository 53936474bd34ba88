"""One of my quotes in «Mis resultados»: its display strings, and the table (wide) and cards (phone)."""

import dataclasses
from decimal import Decimal

import reflex as rx

from compraagil.chile.dates import format_date
from compraagil.chile.money import format_clp
from compraagil.results.logic import CLOSE_LOSS_PCT, Outcome, QuoteResult
from compraagil_web import routes

OUTCOMES = {
    Outcome.WON: ("Ganada", "green"),
    Outcome.LOST: ("Perdida", "red"),
    Outcome.DESERTED: ("Desierta", "gray"),
    Outcome.UNAWARDED: ("Sin adjudicar", "gray"),
}


@dataclasses.dataclass
class ResultRow:
    href: str = ""
    name: str = ""
    organismo: str = ""
    closing: str = ""
    total: str = ""
    winner_total: str = ""
    winner: str = ""
    gap_pct: str = ""
    gap_clp: str = ""
    close: bool = False
    rank: str = ""
    result: str = ""
    color: str = "gray"
    note: str = ""
    lines: str = ""


def percent(value: Decimal | None, signed: bool = True) -> str:
    """`+3,2 %` for a gap; a rate unsigned and whole: `38 %`."""
    if value is None:
        return "—"
    return (f"{value:+.1f} %" if signed else f"{value:.0f} %").replace(".", ",")


def signed_clp(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + format_clp(value)


def capitalized(name: str) -> str:
    """Product names are kept lower case in the dictionary; a list starts them with a capital."""
    return name[:1].upper() + name[1:]


def _note(row: QuoteResult) -> str:
    notes = []
    if row.my_quotes > 1:
        notes.append(f"Tu cotización {row.quote_number} de {row.my_quotes} (cada una es una fila)")
    if not row.admissible:
        notes.append("Declarada inadmisible")
    elif row.total_clp is None:
        notes.append("Sin total en pesos: no se puede comparar")
    elif row.outcome in (Outcome.WON, Outcome.LOST) and row.winner_total_clp is None:
        notes.append("El total ganador no se conoce: no se puede comparar")
    return " · ".join(notes)


def _lines(row: QuoteResult) -> str:
    parts = []
    for line in row.lines:
        if line.unit_price is None:
            continue
        median = (
            f"mediana {format_clp(line.market_median)} ({percent(line.vs_median_pct)})"
            if line.market_median is not None
            else "sin mediana"
        )
        parts.append(f"{capitalized(line.product)}: {format_clp(line.unit_price)} c/u, {median}")
    return " · ".join(parts)


def result_row(row: QuoteResult) -> ResultRow:
    """How one of my quotes reads in the table."""
    label, color = OUTCOMES[row.outcome]
    compared = not row.winning and row.gap_clp is not None
    return ResultRow(
        href=routes.tender_url(row.codigo),
        name=row.name,
        organismo=row.organismo,
        closing=format_date(row.closing_date),
        total=format_clp(row.total_clp),
        winner_total=format_clp(row.winner_total_clp),
        winner="Tú" if row.outcome is Outcome.WON else row.winner_name,
        gap_pct=percent(row.gap_pct) if compared else "—",
        gap_clp=signed_clp(row.gap_clp) if compared else "",
        close=row.outcome is Outcome.LOST and compared and 0 <= row.gap_pct < CLOSE_LOSS_PCT,
        rank=f"{row.rank}.º de {row.ranked}" if row.rank else "—",
        result=label,
        color=color,
        note=_note(row),
        lines=_lines(row),
    )


def _tender(row) -> rx.Component:
    return rx.vstack(
        rx.link(row.name, href=row.href, weight="medium", class_name="result-tender"),
        rx.text(row.organismo, " · ", row.closing, size="1", color_scheme="gray"),
        rx.cond(row.note != "", rx.text(row.note, size="1", color_scheme="amber")),
        rx.cond(row.lines != "", rx.text(row.lines, size="1", color_scheme="gray")),
        spacing="1",
    )


def _gap(row) -> rx.Component:
    return rx.vstack(
        rx.text(row.gap_pct, weight="bold", color=rx.cond(row.close, "var(--amber-11)", "inherit")),
        rx.text(row.gap_clp, size="1", color_scheme="gray"),
        spacing="0",
        align="end",
    )


def _badge(row) -> rx.Component:
    return rx.badge(row.result, color_scheme=row.color, variant="soft")


def result_table(rows) -> rx.Component:
    """My quotes as a dense table on wide screens."""
    numbers = {"font_variant_numeric": "tabular-nums"}
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell("Compra Ágil"),
                rx.table.column_header_cell("Mi total", justify="end"),
                rx.table.column_header_cell("Ganador", justify="end"),
                rx.table.column_header_cell("Diferencia", justify="end"),
                rx.table.column_header_cell("Lugar"),
                rx.table.column_header_cell("Resultado"),
            )
        ),
        rx.table.body(
            rx.foreach(
                rows,
                lambda row: rx.table.row(
                    rx.table.cell(_tender(row), max_width="520px"),
                    rx.table.cell(row.total, justify="end", style=numbers),
                    rx.table.cell(
                        rx.vstack(
                            rx.text(row.winner_total, style=numbers),
                            rx.text(row.winner, size="1", color_scheme="gray"),
                            spacing="0",
                            align="end",
                        ),
                        justify="end",
                    ),
                    rx.table.cell(_gap(row), justify="end", style=numbers),
                    rx.table.cell(row.rank, white_space="nowrap"),
                    rx.table.cell(_badge(row)),
                    class_name="result-row",
                ),
            )
        ),
        variant="surface",
        width="100%",
    )


def result_cards(rows) -> rx.Component:
    """My quotes as cards on a phone."""
    return rx.vstack(
        rx.foreach(
            rows,
            lambda row: rx.card(
                rx.vstack(
                    _tender(row),
                    rx.hstack(
                        _badge(row),
                        rx.text(row.rank, size="2"),
                        rx.spacer(),
                        _gap(row),
                        width="100%",
                        align="center",
                    ),
                    rx.text("Mi total ", row.total, " · ganador ", row.winner_total, size="2"),
                    spacing="2",
                    width="100%",
                ),
                width="100%",
                class_name="result-card",
            ),
        ),
        width="100%",
    )
