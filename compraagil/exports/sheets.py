"""The sheets of each export, from the data the core services return (pure functions)."""

from compraagil.chile.regions import region_name
from compraagil.exports.workbook import Column, Format, Sheet
from compraagil.pipeline.logic import STATUS_LABELS
from compraagil.pipeline.service import Card
from compraagil.pricing.service import PriceAnalysis
from compraagil.results.logic import Outcome, WinRate
from compraagil.results.service import MyResults
from compraagil.search.service import TenderHit

OUTCOME_LABELS = {
    Outcome.WON: "Ganada",
    Outcome.LOST: "Perdida",
    Outcome.DESERTED: "Desierta",
    Outcome.UNAWARDED: "Sin adjudicar",
}


def _yes_no(value: bool) -> str:
    return "Sí" if value else "No"


def search_sheet(hits: list[TenderHit]) -> Sheet:
    """«Resultados»: one row per tender found."""
    return Sheet(
        "Resultados",
        (
            Column("Código", width=16),
            Column("Nombre"),
            Column("Organismo"),
            Column("Región"),
            Column("Estado"),
            Column("Publicada", Format.DATE),
            Column("Cierre", Format.DATETIME),
            Column("Monto disponible", Format.CLP),
        ),
        [
            (
                hit.codigo,
                hit.name,
                hit.organismo or "",
                region_name(hit.region) if hit.region else "",
                hit.state.capitalize(),
                hit.published_at,
                hit.closes_at,
                hit.amount_available,
            )
            for hit in hits
        ],
    )


def pipeline_sheet(cards: list[Card]) -> Sheet:
    """«Pipeline»: one row per saved tender."""
    return Sheet(
        "Pipeline",
        (
            Column("Código", width=16),
            Column("Nombre"),
            Column("Organismo"),
            Column("Cierre", Format.DATETIME),
            Column("Estado"),
            Column("Resultado del historial"),
            Column("Monto cotizado", Format.CLP),
            Column("Recordatorio", Format.DATE),
            Column("Notas"),
        ),
        [
            (
                card.codigo,
                card.name,
                card.organismo,
                card.closes_at,
                STATUS_LABELS.get(card.status, card.status),
                card.outcome_note,
                card.quoted_amount,
                card.remind_on,
                card.notes,
            )
            for card in cards
        ],
    )


def _rates_sheet(title: str, name: str, rates: tuple[WinRate, ...]) -> Sheet:
    return Sheet(
        title,
        (Column(name), Column("Ganadas", Format.INTEGER), Column("Adjudicadas", Format.INTEGER), Column("Tasa de éxito", Format.PERCENT)),
        [(rate.name, rate.won, rate.decided, rate.rate * 100) for rate in rates],
    )  # fmt: skip


def results_sheets(results: MyResults) -> list[Sheet]:
    """«Cotizaciones» (one row per quote of mine), success by product and by buyer, and «Rivales»."""
    quotes = Sheet(
        "Cotizaciones",
        (
            Column("Código", width=16),
            Column("Nombre"),
            Column("Organismo"),
            Column("Cierre", Format.DATE),
            Column("N.º de cotización", Format.INTEGER),
            Column("Resultado"),
            Column("Esta cotización ganó"),
            Column("Mi total", Format.CLP),
            Column("Ganador"),
            Column("Total del ganador", Format.CLP),
            Column("Diferencia", Format.CLP),
            Column("Diferencia %", Format.PERCENT),
            Column("Lugar", Format.INTEGER),
            Column("Cotizaciones comparadas", Format.INTEGER),
            Column("Cotizaciones recibidas", Format.INTEGER),
        ),
        [
            (
                row.codigo,
                row.name,
                row.organismo,
                row.closing_date,
                row.quote_number,
                OUTCOME_LABELS[row.outcome],
                _yes_no(row.winning),
                row.total_clp,
                row.winner_name,
                row.winner_total_clp,
                row.gap_clp,
                row.gap_pct,
                row.rank,
                row.ranked,
                row.quotes,
            )
            for row in results.rows
        ],
    )
    rivals = Sheet(
        "Rivales",
        (
            Column("Proveedor"),
            Column("Veces que me ganó", Format.INTEGER),
            Column("Diferencia mediana %", Format.PERCENT),
            Column("Diferencia mediana", Format.CLP),
        ),
        [(r.name, r.times, r.median_gap_pct, r.median_gap_clp) for r in results.summary.rivals],
    )
    return [
        quotes,
        _rates_sheet("Éxito por producto", "Producto", results.summary.by_product),
        _rates_sheet("Éxito por organismo", "Organismo", results.summary.by_buyer),
        rivals,
    ]


def price_sheets(analysis: PriceAnalysis) -> list[Sheet]:
    """«Resumen» (suggested price and medians), «Percentiles», «Meses» and «Proveedores»."""
    summary = Sheet(
        "Resumen",
        (Column("Indicador"), Column("Valor", Format.CLP)),
        [
            ("Producto buscado", analysis.query.product),
            ("Precio sugerido", analysis.suggested_price),
            ("Mediana nacional", analysis.national_median),
            ("Mediana del organismo", analysis.buyer_median),
            ("Mediana de la región", analysis.region_median),
            ("Productos considerados", ", ".join(analysis.matched_products)),
        ],
    )
    percentiles = Sheet(
        "Percentiles",
        (
            Column("Cotizaciones de"),
            Column("Cantidad", Format.INTEGER),
            *(Column(name, Format.CLP) for name in ("P25", "P40", "Mediana", "P60", "P75")),
        ),
        [
            (label, figures.n, figures.p25, figures.p40, figures.p50, figures.p60, figures.p75)
            for label, figures in (("Todas", analysis.all_quotes), ("Ganadoras", analysis.winning_quotes))
            if figures is not None
        ],
    )
    months = Sheet(
        "Meses",
        (Column("Mes", width=10), Column("Mediana", Format.CLP), Column("Cotizaciones", Format.INTEGER)),
        [(point.month, point.median, point.n) for point in analysis.monthly],
    )
    suppliers = Sheet(
        "Proveedores",
        (
            Column("Proveedor"),
            Column("RUT", width=14),
            Column("Cotizaciones", Format.INTEGER),
            Column("Ganadas", Format.INTEGER),
            Column("Tasa de éxito", Format.PERCENT),
            Column("Mediana", Format.CLP),
        ),
        [(s.name, s.rut, s.quotes, s.wins, s.win_rate * 100, s.median) for s in analysis.top_suppliers],
    )
    return [summary, percentiles, months, suppliers]
