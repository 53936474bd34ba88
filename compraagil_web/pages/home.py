"""Inicio: what CompraAgil holds right now, read live from the database."""

import reflex as rx

from compraagil.chile.dates import format_datetime
from compraagil.chile.money import format_count
from compraagil.dashboard.service import home_figures
from compraagil_web import routes
from compraagil_web.components.error_state import error_state
from compraagil_web.components.figure import figure_card
from compraagil_web.components.layout import page
from compraagil_web.core_calls import CoreCalls


class HomeState(CoreCalls, rx.State):
    """The home page's figures, already formatted for display."""

    open_tenders: str = ""
    quotes_in_history: str = ""
    last_import: str = ""

    @rx.event
    async def load(self):
        self._start()
        yield
        figures = await self._call(lambda session: home_figures(session=session))
        if figures is None:
            return
        prefix = "≈ " if figures.quotes_count_is_estimate else ""
        self.open_tenders = format_count(figures.open_tenders)
        self.quotes_in_history = prefix + format_count(figures.quotes_in_history)
        self.last_import = format_datetime(figures.last_import_at, missing="Sin importaciones aún")


@rx.page(route=routes.HOME, title="CompraAgil · Inteligencia para Compra Ágil", on_load=HomeState.load)
def home() -> rx.Component:
    return page(
        rx.vstack(
            rx.heading("Gana más Compras Ágiles", size="8"),
            rx.text(
                "Busca oportunidades, conoce el precio que gana y cotiza antes que tu competencia.",
                size="4",
                color_scheme="gray",
            ),
            rx.cond(HomeState.error != "", error_state(HomeState, HomeState.load)),
            rx.grid(
                figure_card(
                    "Compras Ágiles abiertas",
                    HomeState.open_tenders,
                    "open-tenders",
                    size="7",
                    loading=HomeState.loading,
                ),
                figure_card(
                    "Cotizaciones en el historial",
                    HomeState.quotes_in_history,
                    "quotes-in-history",
                    size="7",
                    loading=HomeState.loading,
                ),
                figure_card(
                    "Última importación",
                    HomeState.last_import,
                    "last-import",
                    size="7",
                    loading=HomeState.loading,
                ),
                columns=rx.breakpoints(initial="1", sm="3"),
                spacing="4",
                width="100%",
            ),
            rx.link(rx.button("Buscar oportunidades", size="3"), href=routes.SEARCH),
            spacing="5",
            padding_y="1.5em",
        )
    )
