"""Mis resultados: every Compra Ágil the signed-in company quoted, against the winner and the rest.

The company comes from the server-side session only (never the URL or an event argument); the
window (`?meses=`) is the only thing the URL says."""

from datetime import datetime

import reflex as rx

from compraagil.chile.dates import SANTIAGO
from compraagil.chile.money import format_count
from compraagil.results.logic import Rival, WinRate
from compraagil.results.service import DEFAULT_MONTHS, WINDOWS, MyResults, my_results
from compraagil_web import routes
from compraagil_web.components.error_state import error_state
from compraagil_web.components.export_button import export_controls
from compraagil_web.components.figure import figure_card
from compraagil_web.components.layout import page
from compraagil_web.components.ranked import RankedRow, ranked_list
from compraagil_web.components.result_rows import (
    ResultRow,
    capitalized,
    percent,
    result_cards,
    result_row,
    result_table,
    signed_clp,
)
from compraagil_web.core_calls import CoreCalls
from compraagil_web.export_state import ExportMixin
from compraagil_web.state import signed_in_user, to_login

MAX_ROWS = 300
"""Rows sent to the browser (the newest); the summaries always cover the whole window."""


def _rate_row(rate: WinRate) -> RankedRow:
    return RankedRow(
        capitalized(rate.name),
        f"{rate.won} de {rate.decided}",
        percent(rate.rate * 100, signed=False),
    )


def _rival_row(rival: Rival) -> RankedRow:
    gap = f"mediana {percent(rival.median_gap_pct)} · {signed_clp(rival.median_gap_clp)}"
    return RankedRow(rival.name, f"{rival.times} {'vez' if rival.times == 1 else 'veces'}", gap)


class ResultsState(CoreCalls, ExportMixin, rx.State):
    months: str = str(DEFAULT_MONTHS)
    status: str = ""
    """`ok`, `sin_rut` (the company has no RUT) or `sin_cotizaciones` (the RUT quoted nothing)."""
    rut: str = ""
    supplier: str = ""
    win_rate: str = ""
    won_of: str = ""
    close_count: str = ""
    cheaper_losses: str = ""
    not_decided: str = ""
    rows: list[ResultRow] = []
    shown: str = ""
    close_losses: list[ResultRow] = []
    by_product: list[RankedRow] = []
    by_buyer: list[RankedRow] = []
    rivals: list[RankedRow] = []

    @rx.event
    async def load(self):
        user = await signed_in_user(self)
        if user is None:
            yield to_login(self)
            return
        wanted = self.router.url.query_parameters.get("meses", "")
        months = int(wanted) if wanted.isdigit() and int(wanted) in WINDOWS else DEFAULT_MONTHS
        self.months = str(months)
        self._start()
        yield
        today = datetime.now(SANTIAGO).date()
        results = await self._call(
            lambda session: my_results(
                session=session, company_id=user.company_id, today=today, months=months
            )
        )
        if results is not None:
            self._show(results)

    def _export_request(self) -> tuple[str, dict]:
        return "resultados", {"months": int(self.months)}

    @rx.event
    def choose_months(self, months: str):
        """Show another window (kept in the URL)."""
        return rx.redirect(f"{routes.RESULTS}?meses={months}", replace=True)

    def _show(self, results: MyResults) -> None:
        summary = results.summary
        self.rut, self.supplier = results.rut, results.supplier_name
        self.status = "sin_rut" if not results.rut else ("ok" if results.rows else "sin_cotizaciones")
        self.win_rate = percent(summary.win_rate * 100, signed=False)
        self.won_of = (
            f"Ganaste {format_count(summary.won)} de {format_count(summary.won + summary.lost)} adjudicadas"
        )
        self.close_count = format_count(len(summary.close_losses))
        self.cheaper_losses = format_count(summary.cheaper_losses)
        self.not_decided = format_count(summary.deserted + summary.unawarded)
        self.rows = [result_row(row) for row in results.rows[:MAX_ROWS]]
        self.shown = (
            f"Las {MAX_ROWS} más recientes de {format_count(len(results.rows))} cotizaciones."
            if len(results.rows) > MAX_ROWS
            else f"{format_count(len(results.rows))} cotizaciones en {format_count(summary.processes)} procesos."
        ) + (
            f" {format_count(summary.incomparable)} sin comparación (falta un total)."
            if summary.incomparable
            else ""
        )
        self.close_losses = [result_row(row) for row in summary.close_losses]
        self.by_product = [_rate_row(rate) for rate in summary.by_product[:10]]
        self.by_buyer = [_rate_row(rate) for rate in summary.by_buyer[:10]]
        self.rivals = [_rival_row(rival) for rival in summary.rivals[:10]]


def _close_losses() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Perdidas por menos de 5 %", size="3"),
            rx.foreach(
                ResultsState.close_losses,
                lambda row: rx.hstack(
                    rx.link(row.name, href=row.href, size="2", trim="both", flex="1"),
                    rx.text(row.gap_clp, size="1", color_scheme="gray"),
                    rx.badge(row.gap_pct, color_scheme="amber", variant="soft"),
                    width="100%",
                    align="center",
                ),
            ),
            rx.cond(
                ResultsState.close_losses.length() == 0,
                rx.text("Ninguna en este período.", size="2", color_scheme="gray"),
            ),
            spacing="2",
            width="100%",
            id="results-close-losses",
        ),
        width="100%",
    )


def _empty() -> rx.Component:
    return rx.callout(
        rx.vstack(
            rx.cond(
                ResultsState.status == "sin_rut",
                rx.text(
                    "Tu empresa aún no tiene RUT. Agrégalo en Cuenta y verás aquí cada Compra Ágil "
                    "que cotizó: contra quién perdió y por cuánto."
                ),
                rx.text(
                    "El RUT ", ResultsState.rut, " no tiene cotizaciones en los últimos ",
                    ResultsState.months, " meses del historial. Revisa el RUT en Cuenta o elige un "
                    "período más largo.",
                ),
            ),
            rx.link("Ir a Cuenta", href=routes.ACCOUNT, id="results-to-account"),
            spacing="2",
        ),
        icon="info",
        width="100%",
        id="results-empty",
    )  # fmt: skip


def _window() -> rx.Component:
    return rx.el.select(
        *(rx.el.option(f"Últimos {m} meses", value=str(m)) for m in WINDOWS),
        value=ResultsState.months,
        on_change=ResultsState.choose_months,
        aria_label="Período",
        id="results-window",
        style={"padding": "0.45em", "border_radius": "6px", "border": "1px solid var(--gray-a7)"},
    )


def _results() -> rx.Component:
    return rx.vstack(
        rx.grid(
            figure_card("Tasa de éxito", ResultsState.win_rate, "results-win-rate", size="8"),
            figure_card("Perdí por menos de 5 %", ResultsState.close_count, "results-close-count", size="8"),
            figure_card("Perdí siendo más barato", ResultsState.cheaper_losses, "results-cheaper-losses"),
            figure_card("Desiertas o sin adjudicar", ResultsState.not_decided, "results-not-decided"),
            columns=rx.breakpoints(initial="2", md="4"),
            spacing="3",
            width="100%",
        ),
        rx.text(ResultsState.won_of, " · ", ResultsState.shown, size="2", color_scheme="gray", id="results-won-of"),
        rx.box(
            rx.tablet_and_desktop(result_table(ResultsState.rows)),
            rx.mobile_only(result_cards(ResultsState.rows)),
            width="100%",
        ),
        rx.grid(
            _close_losses(),
            ranked_list("Quién me gana más seguido", ResultsState.rivals, "", "results-rivals"),
            ranked_list("Éxito por producto", ResultsState.by_product, "", "results-by-product"),
            ranked_list("Éxito por organismo", ResultsState.by_buyer, "", "results-by-buyer"),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
        rx.text(
            "Lugar: entre las cotizaciones admisibles con total en pesos (1.º = la más barata). Diferencia: "
            "mi total menos el del ganador. Precio unitario contra la mediana del producto ese mes.",
            size="1", color_scheme="gray",
        ),
        spacing="4",
        width="100%",
    )  # fmt: skip


@rx.page(route=routes.RESULTS, title="Mis resultados · CompraAgil", on_load=ResultsState.load)
def results_page() -> rx.Component:
    return page(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.heading("Mis resultados", size="7"),
                    rx.cond(
                        ResultsState.supplier != "",
                        rx.text(ResultsState.supplier, " · RUT ", ResultsState.rut, color_scheme="gray"),
                    ),
                    spacing="1",
                ),
                rx.spacer(),
                _window(),
                export_controls(ResultsState, "results"),
                width="100%",
                align="center",
                wrap="wrap",
            ),
            rx.cond(
                ResultsState.loading,
                rx.vstack(
                    rx.skeleton(rx.box(height="90px"), width="100%"),
                    rx.skeleton(rx.box(height="300px"), width="100%"),
                    width="100%",
                ),
                rx.cond(
                    ResultsState.error != "",
                    error_state(ResultsState, ResultsState.load),
                    rx.cond(ResultsState.status == "ok", _results(), _empty()),
                ),
            ),
            spacing="4",
            width="100%",
            padding_y="1em",
        )
    )
