"""The answer first: the suggested price big, then the range and how sure we are."""

import dataclasses

import reflex as rx

from compraagil.chile.money import format_clp, format_count
from compraagil.pricing.service import PriceAnalysis
from compraagil_web.routes import supplier_url

CONFIDENCE_COLORS = {"alta": "green", "media": "amber", "baja": "red"}


@dataclasses.dataclass
class SupplierRow:
    name: str
    rut: str
    href: str
    wins: str
    win_rate: str
    median: str


@dataclasses.dataclass
class PriceSummary:
    """A price analysis, formatted for display."""

    product: str = ""
    found: bool = False
    suggested: str = ""
    competitive: str = ""
    safe: str = ""
    median_all: str = ""
    confidence: str = ""
    confidence_color: str = "gray"
    sample: str = ""
    matched: str = ""
    insights: list[str] = dataclasses.field(default_factory=list)
    suppliers: list[SupplierRow] = dataclasses.field(default_factory=list)


def summarize(product: str, analysis: PriceAnalysis) -> PriceSummary:
    figures = analysis.winning_quotes or analysis.all_quotes
    if not figures or analysis.suggested_price is None:
        return PriceSummary(product=product)
    basis = "precios ganadores" if analysis.winning_quotes else "cotizaciones"
    return PriceSummary(
        product=product,
        found=True,
        suggested=format_clp(analysis.suggested_price),
        competitive=format_clp(figures.p25),
        safe=format_clp(figures.p60),
        median_all=format_clp(analysis.all_quotes.p50) if analysis.all_quotes else "—",
        confidence=analysis.confidence,
        confidence_color=CONFIDENCE_COLORS[analysis.confidence],
        sample=(
            f"{'≈ ' if analysis.sampled else ''}{format_count(analysis.sample_size)} cotizaciones en "
            f"{analysis.query.months} meses · {format_count(figures.n)} {basis} · "
            f"{format_count(analysis.outliers_removed)} valores atípicos excluidos"
            + (" · estimado con una muestra de 1 de cada 20 cotizaciones" if analysis.sampled else "")
        ),
        matched=_matched(analysis),
        insights=analysis.insights,
        suppliers=[
            SupplierRow(
                s.name, s.rut, supplier_url(s.rut), str(s.wins), f"{s.win_rate:.0%}", format_clp(s.median)
            )
            for s in analysis.top_suppliers
        ],
    )


def _matched(analysis: PriceAnalysis) -> str:
    """The names most like the query, and how many spellings were compared in all."""
    names = ", ".join(analysis.matched_products[:3])
    others = analysis.matched_names - min(3, len(analysis.matched_products))
    return f"{names} y {format_count(others)} escrituras más" if others > 0 else names


def _figure(label: str, value, test_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.text(value, size="4", weight="bold", id=test_id),
        spacing="0",
    )


def price_summary(summary) -> rx.Component:
    """`summary` is a Var[PriceSummary]."""
    return rx.cond(
        summary.found,
        rx.card(
            rx.vstack(
                rx.text("Precio sugerido por unidad", size="2", color_scheme="gray"),
                rx.heading(summary.suggested, size="8", id="suggested-price"),
                rx.hstack(
                    _figure("Competitivo (p25)", summary.competitive, "price-p25"),
                    _figure("Seguro (p60)", summary.safe, "price-p60"),
                    _figure("Mediana del mercado", summary.median_all, "price-median"),
                    spacing="5",
                    wrap="wrap",
                ),
                rx.hstack(
                    rx.badge("Confianza ", summary.confidence, color_scheme=summary.confidence_color),
                    rx.text(summary.sample, size="1", color_scheme="gray"),
                    wrap="wrap",
                    align="center",
                ),
                rx.text("Productos comparados: ", summary.matched, size="1", color_scheme="gray"),
                spacing="3",
            ),
            width="100%",
        ),
        rx.callout(
            "Aún no hay precios históricos para «" + summary.product + "». Prueba con un nombre más general.",
            icon="info",
            id="price-empty",
        ),
    )


def insight_list(summary) -> rx.Component:
    return rx.vstack(
        rx.foreach(
            summary.insights,
            lambda line: rx.hstack(rx.icon("lightbulb", size=16), rx.text(line, size="2"), align="start"),
        ),
        spacing="2",
        id="price-insights",
    )


def price_charts_grid(distribution, trend) -> rx.Component:
    """The distribution and the monthly trend, side by side on wide screens."""
    return rx.grid(
        rx.plotly(data=distribution, id="price-distribution"),
        rx.plotly(data=trend, id="price-trend"),
        columns=rx.breakpoints(initial="1", md="2"),
        spacing="3",
        width="100%",
    )
