"""Plotly figures for price analyses: one point per chart, stated in its title."""

import asyncio

import plotly.graph_objects as go

from compraagil.chile.dates import month_label
from compraagil.chile.money import format_clp
from compraagil.pricing.logic import percent_difference
from compraagil.pricing.service import PriceAnalysis

ACCENT = "#12a594"
LAYOUT = {
    "separators": ",.",
    "margin": {"l": 60, "r": 16, "t": 56, "b": 130},
    "height": 380,
    "plot_bgcolor": "white",
    "paper_bgcolor": "white",
    "font": {"family": "system-ui, sans-serif", "size": 12},
}
GRID = {"gridcolor": "#eceeee", "zeroline": False}
MAX_MONTH_TICKS = 8
"""Month labels on the trend's axis (Spanish, written here: Plotly's own are English)."""
LEGEND = {
    "orientation": "h",
    "x": 0,
    "xanchor": "left",
    "y": 0,
    "yref": "container",
    "yanchor": "bottom",
    "font": {"size": 11},
}
"""Under the x axis, at the bottom of the figure: on a phone its entries wrap into rows that would
otherwise cover the title."""


def _title(text: str) -> dict:
    """Left-aligned at the top of the figure (not of the plot area), small enough for a phone."""
    return {"text": text, "x": 0.02, "xanchor": "left", "xref": "container", "font": {"size": 14}}


async def figures(analysis: PriceAnalysis) -> tuple[go.Figure, go.Figure]:
    """The distribution and the trend, built in a worker thread: plotly's validation takes tens of
    milliseconds a chart, which on the event loop would hold every other page's events."""
    return await asyncio.to_thread(lambda: (distribution(analysis), trend(analysis)))


class Chart(go.Figure):
    """A figure that pickles as its plain specs and comes back unvalidated. With several web
    processes Reflex keeps page state in Redis, pickled: a plain go.Figure is validated again when
    unpickled (~10 ms a chart, four on a tender page, on every event that loads that state)."""

    def __reduce__(self):
        return _unpickled_chart, (self.to_plotly_json(),)


def _unpickled_chart(specs: dict) -> Chart:
    return Chart(specs, _validate=False)


def empty() -> Chart:
    """A state's default chart: a new empty figure (Reflex would deep-copy a shared one for every
    new tab, ~14 ms each)."""
    return Chart()


def from_specs(data: list[dict], layout: dict) -> Chart:
    """A figure from plain specs, not validated trace by trace (that took ~30 ms a chart; the specs
    here are fixed and covered by tests)."""
    return Chart({"data": data, "layout": layout}, _validate=False)


def vertical_line(x: float, dash: str) -> dict:
    """A vertical line across the plot at `x` (as `add_vline` draws it, without its cost)."""
    return {
        "type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
        "line": {"color": ACCENT, "dash": dash, "width": 2},
    }  # fmt: skip


def distribution(analysis: PriceAnalysis) -> go.Figure:
    """Histogram of unit prices with the competitive, suggested and safe prices marked (and named
    in the legend, where their labels cannot collide)."""
    data = [
        {
            "type": "histogram", "x": analysis.price_sample, "nbinsx": 40, "marker": {"color": "#b8d8d3"},
            "name": "Precios", "showlegend": False,
        }
    ]  # fmt: skip
    shapes = []
    figures = analysis.winning_quotes or analysis.all_quotes
    if figures and analysis.suggested_price:
        marks = (
            (figures.p25, "Competitivo", "dot"),
            (analysis.suggested_price, "Sugerido", "solid"),
            (figures.p60, "Seguro", "dash"),
        )
        for value, label, dash in marks:
            shapes.append(vertical_line(value, dash))
            data.append(
                {
                    "type": "scatter", "x": [None], "y": [None], "mode": "lines",
                    "name": f"{label} {format_clp(value)}", "line": {"color": ACCENT, "dash": dash, "width": 2},
                }
            )  # fmt: skip
    title = (
        f"El precio sugerido es {format_clp(analysis.suggested_price)}"
        if analysis.suggested_price
        else "Sin precios"
    )
    layout = {
        "title": _title(title),
        "xaxis": {
            "title": {"text": "Precio unitario (CLP)"},
            "tickprefix": "$",
            "tickformat": ",.0f",
            **GRID,
        },
        "yaxis": {"title": {"text": "Cotizaciones"}, **GRID},
        "legend": LEGEND,
        "shapes": shapes,
        **LAYOUT,
    }
    return from_specs(data, layout)


def trend(analysis: PriceAnalysis) -> go.Figure:
    """Monthly median unit price, titled with how much it moved over the window."""
    months = [point.month for point in analysis.monthly]
    medians = [point.median for point in analysis.monthly]
    labels = [month_label(month) for month in months]
    data = [
        {
            "type": "scatter", "x": months, "y": medians, "customdata": labels,
            "hovertemplate": "%{customdata}: mediana $%{y:,.0f}<extra></extra>", "mode": "lines+markers",
            "line": {"color": ACCENT}, "name": "Mediana",
        }
    ]  # fmt: skip
    step = max(1, -(-len(months) // MAX_MONTH_TICKS))
    if len(medians) >= 2:
        change = percent_difference(medians[-1], medians[0])
        title = f"Mediana mensual: {'subió' if change > 0 else 'bajó'} {abs(change):.0f} % en el período"
    else:
        title = "Mediana mensual"
    layout = {
        "title": _title(title),
        "xaxis": {"title": {"text": "Mes"}, "tickvals": months[::step], "ticktext": labels[::step], **GRID},
        "yaxis": {
            "title": {"text": "Precio unitario (CLP)"},
            "tickprefix": "$",
            "tickformat": ",.0f",
            **GRID,
        },
        "showlegend": False,
        **LAYOUT,
    }
    return from_specs(data, layout)
