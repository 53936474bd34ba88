"""Precios: what a product sells for, what price wins, and who wins it; the query lives in the URL."""

from urllib.parse import urlencode

import plotly.graph_objects as go
import reflex as rx

from compraagil.chile.regions import REGIONS
from compraagil_web import routes
from compraagil_web.components import price_charts
from compraagil_web.components.account_ui import upgrade_callout
from compraagil_web.components.error_state import error_state
from compraagil_web.components.export_button import export_controls
from compraagil_web.components.layout import page
from compraagil_web.components.price_summary import (
    PriceSummary,
    insight_list,
    price_charts_grid,
    price_summary,
    summarize,
)
from compraagil_web.components.submit_button import submit_button
from compraagil_web.core_calls import CoreCalls
from compraagil_web.export_state import ExportMixin
from compraagil_web.state import metered_analysis, signed_in_user, to_login


class PricesState(CoreCalls, ExportMixin, rx.State):
    product: str = ""
    region: str = ""
    months: str = "24"
    summary: PriceSummary = PriceSummary()
    distribution: go.Figure = rx.field(default_factory=price_charts.empty)
    trend: go.Figure = rx.field(default_factory=price_charts.empty)
    quota_error: str = ""

    @rx.event
    async def load(self):
        user = await signed_in_user(self)
        if user is None:
            yield to_login(self)
            return
        self.quota_error = ""
        params = self.router.url.query_parameters
        self.product = params.get("producto", "")
        self.region = params.get("region", "")
        self.months = params.get("meses", "24")
        self.summary = PriceSummary()
        self._start()
        if not self.product:
            self.loading = False
            return
        yield
        fields = {
            "product": self.product,
            "region": int(self.region) if self.region.isdigit() else None,
            "months": int(self.months) if self.months.isdigit() else 24,
        }
        analysis = await metered_analysis(self, company_id=user.company_id, fields=fields)
        if analysis is None:
            return
        self.summary = summarize(analysis.query.product, analysis)
        self.distribution, self.trend = await price_charts.figures(analysis)

    def _export_request(self) -> tuple[str, dict]:
        region, months = self.region, self.months
        return "precios", {
            "product": self.product,
            "region": int(region) if region.isdigit() else None,
            "months": int(months) if months.isdigit() else 24,
        }

    @rx.event
    def submit(self, form: dict):
        wanted = {
            "producto": str(form.get("producto", "")).strip(),
            "region": str(form.get("region", "")),
            "meses": str(form.get("meses", "24")),
        }
        return rx.redirect(f"{routes.PRICES}?{urlencode({k: v for k, v in wanted.items() if v})}")


def _form() -> rx.Component:
    select_style = {
        "padding": "0.45em",
        "border_radius": "6px",
        "border": "1px solid var(--gray-a7)",
        "max_width": "100%",
    }
    return rx.form(
        rx.flex(
            rx.input(
                name="producto", default_value=PricesState.product, placeholder="Ej.: resma papel carta",
                size="3", flex="1", min_width="220px", aria_label="Producto",
            ),
            rx.el.select(
                rx.el.option("Todo Chile", value=""),
                *(rx.el.option(name, value=str(n)) for n, name in REGIONS.items()),
                name="region", default_value=PricesState.region, aria_label="Región", style=select_style,
            ),
            rx.el.select(
                *(rx.el.option(f"Últimos {m} meses", value=str(m)) for m in (6, 12, 24, 36)),
                name="meses", default_value=PricesState.months, aria_label="Período", style=select_style,
            ),
            submit_button(rx.icon("search"), "Ver precios", size="3", id="prices-submit"),
            gap="2",
            wrap="wrap",
            width="100%",
        ),
        on_submit=PricesState.submit,
        width="100%",
    )  # fmt: skip


def _suppliers() -> rx.Component:
    """A table on wide screens, one card per supplier on a phone."""
    return rx.box(
        rx.tablet_and_desktop(_suppliers_table()),
        rx.mobile_only(_supplier_cards()),
        width="100%",
    )


def _supplier_cards() -> rx.Component:
    return rx.vstack(
        rx.foreach(
            PricesState.summary.suppliers,
            lambda s: rx.card(
                rx.vstack(
                    rx.link(s.name, href=s.href, weight="medium"),
                    rx.text(s.rut, size="1", color_scheme="gray"),
                    rx.hstack(
                        rx.text(s.wins, " adjudicaciones · ", s.win_rate, " de éxito", size="2"),
                        rx.spacer(),
                        rx.text(s.median, weight="bold"),
                        width="100%",
                        wrap="wrap",
                    ),
                    spacing="1",
                    width="100%",
                ),
                width="100%",
                class_name="supplier-card",
            ),
        ),
        width="100%",
    )


def _suppliers_table() -> rx.Component:
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell("Proveedor"),
                rx.table.column_header_cell("Adjudicaciones", justify="end"),
                rx.table.column_header_cell("Tasa de éxito", justify="end"),
                rx.table.column_header_cell("Precio mediano", justify="end"),
            )
        ),
        rx.table.body(
            rx.foreach(
                PricesState.summary.suppliers,
                lambda s: rx.table.row(
                    rx.table.cell(
                        rx.vstack(
                            rx.link(s.name, href=s.href),
                            rx.text(s.rut, size="1", color_scheme="gray"),
                            spacing="0",
                        )
                    ),
                    rx.table.cell(s.wins, justify="end"),
                    rx.table.cell(s.win_rate, justify="end"),
                    rx.table.cell(s.median, justify="end"),
                ),
            )
        ),
        variant="surface",
        width="100%",
    )


def _analysis() -> rx.Component:
    return rx.cond(
        PricesState.loading,
        rx.vstack(rx.skeleton(rx.box(height="140px"), width="100%"), rx.skeleton(rx.box(height="320px"), width="100%"), width="100%"),
        rx.cond(
            PricesState.error != "",
            error_state(PricesState, PricesState.load),
            rx.cond(
                (PricesState.product != "") & (PricesState.quota_error == ""),
                rx.vstack(
                    price_summary(PricesState.summary),
                    rx.cond(
                        PricesState.summary.found,
                        rx.vstack(
                            insight_list(PricesState.summary),
                            price_charts_grid(PricesState.distribution, PricesState.trend),
                            rx.heading("Quién gana", size="4"),
                            _suppliers(),
                            spacing="4",
                            width="100%",
                        ),
                    ),
                    spacing="4",
                    width="100%",
                ),
                rx.text("Escribe un producto para ver cuánto se paga y qué precio gana.", color_scheme="gray"),
            ),
        ),
    )  # fmt: skip


@rx.page(route=routes.PRICES, title="Precios · CompraAgil", on_load=PricesState.load)
def prices_page() -> rx.Component:
    return page(
        rx.vstack(
            rx.hstack(
                rx.heading("Precios", size="7"),
                export_controls(PricesState, "prices"),
                justify="between",
                align="center",
                wrap="wrap",
                width="100%",
            ),
            _form(),
            upgrade_callout(PricesState.quota_error),
            _analysis(),
            spacing="4",
            width="100%",
            padding_y="1em",
        )
    )
