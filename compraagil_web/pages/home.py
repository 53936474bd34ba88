"""Inicio: what CompraAgil holds right now, read live from the database."""

import logging

import reflex as rx

from compraagil.chile.dates import format_datetime
from compraagil.chile.money import format_count
from compraagil.dashboard.service import home_figures
from compraagil.db import session_scope
from compraagil_web import routes
from compraagil_web.components.figure import figure_card
from compraagil_web.components.layout import page

log = logging.getLogger(__name__)


class HomeState(rx.State):
    """The home page's figures, already formatted for display."""

    loading: bool = True
    failed: bool = False
    open_tenders: str = ""
    quotes_in_history: str = ""
    last_import: str = ""

    @rx.event
    def load(self):
        self.loading = True
        try:
            with session_scope() as session:
                figures = home_figures(session=session)
        except Exception:
            log.exception("home figures failed")
            self.failed, self.loading = True, False
            return
        prefix = "≈ " if figures.quotes_count_is_estimate else ""
        self.open_tenders = format_count(figures.open_tenders)
        self.quotes_in_history = prefix + format_count(figures.quotes_in_history)
        self.last_import = format_datetime(figures.last_import_at, missing="Sin importaciones aún")
        self.failed, self.loading = False, False


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
            rx.cond(
                HomeState.failed,
                rx.callout(
                    "No pudimos leer las cifras en este momento. Intenta recargar en unos segundos.",
                    icon="triangle_alert",
                    color_scheme="red",
                ),
            ),
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
