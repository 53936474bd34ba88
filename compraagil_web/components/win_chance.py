"""«Probabilidad de ganar» on a tender's page (PYME and up): the chance at the suggested total, its
curve against the total, the totals for 50 % and 70 %, the main reasons and the model's version.
Loaded after the page, on its own."""

import asyncio
import dataclasses
from urllib.parse import unquote

import plotly.graph_objects as go
import reflex as rx

from compraagil.chile.money import format_clp
from compraagil.scoring.service import WinChance, win_chance
from compraagil_web import routes
from compraagil_web.components.price_charts import ACCENT, GRID, LAYOUT, empty, from_specs, vertical_line
from compraagil_web.core_calls import CoreCalls
from compraagil_web.state import signed_in_user


@dataclasses.dataclass
class RivalRow:
    name: str
    record: str


@dataclasses.dataclass
class ItemRow:
    product: str
    suggested: str
    targets: str


@dataclasses.dataclass
class ReasonRow:
    label: str
    points: str
    positive: bool


def curve_figure(chance: WinChance) -> go.Figure:
    data = [
        {
            "type": "scatter", "x": [total for total, _ in chance.curve], "y": [100 * p for _, p in chance.curve],
            "mode": "lines+markers", "line": {"color": ACCENT}, "name": "Probabilidad",
            "hovertemplate": "$%{x:,.0f}: %{y:.0f} %<extra></extra>",
        }
    ]  # fmt: skip
    layout = {
        "title": {"text": "Probabilidad de ganar según tu total", "x": 0, "font": {"size": 14}},
        "xaxis": {
            "title": {"text": "Total de tu cotización (CLP)"},
            "tickprefix": "$",
            "tickformat": ",.0f",
            **GRID,
        },
        "yaxis": {"title": {"text": "Probabilidad (%)"}, "range": [0, 100], **GRID},
        "shapes": [vertical_line(chance.total_clp, "dash")],
        "showlegend": False,
        **LAYOUT,
    }
    return from_specs(data, layout)


def items_figure(chance: WinChance) -> go.Figure:
    """One line per item: the chance against its unit price, as a share of the suggested price."""
    data = []
    for item in chance.items:
        name = _plain(item.product[:40])
        data.append(
            {
                "type": "scatter", "mode": "lines", "name": name,
                "x": [round(100 * price / item.suggested_unit_price) for price, _ in item.curve],
                "y": [100 * p for _, p in item.curve], "customdata": [format_clp(price) for price, _ in item.curve],
                "hovertemplate": "%{customdata}: %{y:.0f} %<extra>" + name + "</extra>",
            }
        )  # fmt: skip
    layout = {
        "title": {
            "text": "Probabilidad según el precio unitario de cada producto",
            "x": 0,
            "font": {"size": 14},
        },
        "xaxis": {"title": {"text": "Precio unitario (% del sugerido)"}, "ticksuffix": " %", **GRID},
        "yaxis": {"title": {"text": "Probabilidad (%)"}, "range": [0, 100], **GRID},
        "legend": {"orientation": "h", "y": -0.3},
        "shapes": [vertical_line(100, "dash")],
        **LAYOUT,
    }
    return from_specs(data, layout)


def _plain(text: str) -> str:
    """A product's name as plain text inside a Plotly template (no markup, no template fields)."""
    return text.replace("<", "‹").replace(">", "›").replace("%{", "% {")


def _item_row(item) -> ItemRow:
    targets = f"para 50 %: {_target(item.price_for_50)} · para 70 %: {_target(item.price_for_70)}"
    return ItemRow(item.product, f"sugerido {format_clp(item.suggested_unit_price)} c/u", targets)


def _target(total: float | None) -> str:
    return f"hasta {format_clp(total)}" if total else "no se alcanza"


def _quotes(count: int) -> str:
    return "1 cotización" if count == 1 else f"{count} cotizaciones"


class WinState(CoreCalls, rx.State):
    shown: bool = False
    available: bool = False
    upsell: bool = False
    message: str = ""
    probability: str = ""
    total: str = ""
    for_50: str = ""
    for_70: str = ""
    version: str = ""
    newcomer: bool = False
    reasons: list[ReasonRow] = []
    rivals: list[RivalRow] = []
    items: list[ItemRow] = []
    curve: go.Figure = rx.field(default_factory=empty)
    items_curve: go.Figure = rx.field(default_factory=empty)

    @rx.event
    async def load(self):
        self._start()
        self.shown = False
        user = await signed_in_user(self)
        if user is None:
            self.loading = False
            return
        codigo = unquote(self.router.url.path.rstrip("/").rsplit("/", 1)[-1])
        found = await self._call(
            lambda session: win_chance(session=session, company_id=user.company_id, codigo=codigo)
        )
        if found is None:
            return
        self.shown, self.available, self.upsell, self.message = (
            True,
            found.available,
            found.upsell,
            found.message,
        )
        if found.available:
            self.probability, self.total = f"{round(100 * found.probability)} %", format_clp(found.total_clp)
            self.for_50, self.for_70 = _target(found.total_for_50), _target(found.total_for_70)
            self.version, self.newcomer = found.version, not found.with_history
            self.reasons = [
                ReasonRow(r.label, f"{r.points:+.1f} pts".replace(".", ","), r.points > 0)
                for r in found.reasons
            ]
            self.curve, self.items_curve = await asyncio.to_thread(
                lambda: (curve_figure(found), items_figure(found))
            )
            self.items = [_item_row(item) for item in found.items]
            self.rivals = [
                RivalRow(
                    r.name,
                    f"{r.quotes} cotizaciones a este organismo, ganó {r.wins} ({r.wins / r.quotes:.0%})",
                )
                for r in found.rivals
            ]


def _reason(row: ReasonRow) -> rx.Component:
    return rx.hstack(
        rx.badge(row.points, color_scheme=rx.cond(row.positive, "green", "red"), variant="soft"),
        rx.text(row.label, size="2"),
        align="center",
        class_name="win-reason",
    )


def _chance() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(WinState.probability, size="8", id="win-probability"),
            rx.text("de ganar con un total de ", rx.text.strong(WinState.total), " (la cotización sugerida)", size="2"),
            align="end", wrap="wrap",
        ),
        rx.text("Para 50 %: ", rx.text.strong(WinState.for_50), " · para 70 %: ", rx.text.strong(WinState.for_70), size="2", id="win-targets"),
        rx.plotly(data=WinState.curve, width="100%", height="300px"),
        rx.cond(WinState.items.length() > 0, _items()),
        rx.text("Por qué (puntos que suma o resta cada factor frente a una cotización típica):", size="2", weight="medium"),
        rx.vstack(rx.foreach(WinState.reasons, _reason), spacing="1", id="win-reasons"),
        rx.cond(
            WinState.rivals.length() > 0,
            rx.vstack(
                rx.text("Quiénes más le cotizan a este organismo:", size="2", weight="medium"),
                rx.foreach(WinState.rivals, lambda r: rx.text(rx.text.strong(r.name), " · ", r.record, size="2", class_name="win-rival")),
                spacing="1",
                id="win-rivals",
            ),
        ),
        rx.cond(WinState.newcomer, rx.text("Tu RUT aún no tiene cotizaciones en el historial: te evaluamos como proveedor nuevo. Agrégalo en Cuenta.", size="1", color_scheme="gray")),
        rx.text("Modelo ", WinState.version, " · se reentrena cada mes con las Compras Ágiles cerradas.", size="1", color_scheme="gray", id="win-version"),
        spacing="2",
        width="100%",
    )  # fmt: skip


def _items() -> rx.Component:
    return rx.vstack(
        rx.text("Precio para ganar, producto por producto (los demás al precio sugerido):", size="2", weight="medium"),
        rx.foreach(
            WinState.items,
            lambda item: rx.text(rx.text.strong(item.product), " · ", item.suggested, " · ", item.targets, size="2", class_name="win-item"),
        ),
        rx.plotly(data=WinState.items_curve, width="100%", height="320px"),
        spacing="1",
        width="100%",
        id="win-items",
    )  # fmt: skip


def win_section() -> rx.Component:
    return rx.box(
        rx.cond(
            WinState.shown,
            rx.card(
                rx.vstack(
                    rx.heading("Probabilidad de ganar", size="4"),
                    rx.cond(
                        WinState.available,
                        _chance(),
                        rx.cond(
                            WinState.upsell,
                            rx.hstack(rx.text(WinState.message, size="2"), rx.link(rx.button("Mejorar plan", size="1"), href=routes.PLANS), wrap="wrap", id="win-upsell"),
                            rx.text(WinState.message, size="2", color_scheme="gray", id="win-unavailable"),
                        ),
                    ),
                    spacing="3",
                    width="100%",
                ),
                width="100%",
            ),
        ),
        on_mount=WinState.load,
        width="100%",
        id="win-section",
    )  # fmt: skip
