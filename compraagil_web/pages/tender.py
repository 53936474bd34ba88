"""Licitación: one Compra Ágil in full, with price guidance for every item it asks for."""

import dataclasses
from datetime import UTC, datetime
from urllib.parse import unquote

import plotly.graph_objects as go
import reflex as rx

from compraagil.chile.dates import closing_label, format_datetime
from compraagil.chile.money import format_clp, format_quantity
from compraagil.chile.regions import REGIONS
from compraagil.pricing.quote_guidance import metered_tender_guidance
from compraagil.tenders.service import TenderDetail, get_tender
from compraagil_web import routes
from compraagil_web.components import price_charts
from compraagil_web.components.account_ui import upgrade_callout
from compraagil_web.components.error_state import error_state
from compraagil_web.components.layout import page
from compraagil_web.components.pipeline_save import save_button
from compraagil_web.components.price_summary import (
    PriceSummary,
    insight_list,
    price_charts_grid,
    price_summary,
    summarize,
)
from compraagil_web.components.proposal_button import proposal_button
from compraagil_web.components.quote_guidance import QuoteView, quote_guidance, quote_view
from compraagil_web.components.received_quotes import QuoteRow, quote_rows, received_quotes
from compraagil_web.components.similar_tenders import similar_section
from compraagil_web.components.win_chance import win_section
from compraagil_web.core_calls import CoreCalls
from compraagil_web.state import login_url, signed_in_user, within_quota


@dataclasses.dataclass
class ItemRow:
    name: str
    description: str
    quantity: str


class GuidanceState(CoreCalls, rx.State):
    """Price guidance for what a tender asks for: its own event, after the tender is on screen."""

    summary: PriceSummary = PriceSummary()
    prices_link: str = ""
    distribution: go.Figure = rx.field(default_factory=price_charts.empty)
    trend: go.Figure = rx.field(default_factory=price_charts.empty)
    login_href: str = ""
    quota_error: str = ""
    quote: QuoteView = QuoteView()

    def _clear(self) -> None:
        self._start()
        self.summary, self.prices_link, self.quote = PriceSummary(), "", QuoteView()
        self.login_href, self.quota_error = "", ""

    @rx.event
    async def analyze(self, codigo: str):
        """Every requested item priced (one use of the plan's analyses); the first one in full."""
        self._clear()
        if not codigo:
            self.loading = False
            return
        yield
        user = await signed_in_user(self)
        if user is None:
            self.login_href, self.loading = login_url(self), False
            return
        guidance = await within_quota(
            self,
            lambda session: metered_tender_guidance(
                session=session, company_id=user.company_id, codigo=codigo
            ),
        )
        if guidance is None:
            return
        self.quote = quote_view(guidance.quote)
        if (analysis := guidance.first) is None:
            self.summary = PriceSummary(product=guidance.quote.items[0].product)
            return
        self.summary = summarize(analysis.query.product, analysis)
        self.distribution, self.trend = await price_charts.figures(analysis)
        self.prices_link = routes.prices_url(analysis.query.product)


class TenderState(CoreCalls, rx.State):
    codigo: str = ""
    name: str = ""
    description: str = ""
    state_label: str = ""
    organismo: str = ""
    buyer_href: str = ""
    region: str = ""
    published: str = ""
    closes: str = ""
    closes_label: str = ""
    urgency: str = "gray"
    amount: str = ""
    delivery: str = ""
    official_url: str = ""
    items: list[ItemRow] = []
    quotes: list[QuoteRow] = []

    def _show(self, detail: TenderDetail) -> None:
        label, urgency = closing_label(detail.closes_at, datetime.now(UTC))
        self.codigo, self.name = detail.codigo, detail.name
        self.description = detail.description or ""
        self.state_label = detail.state.replace("_", " ").capitalize()
        self.organismo = " · ".join(filter(None, (detail.organismo, detail.unit_name)))
        self.buyer_href = routes.buyer_url(detail.buyer_id) if detail.buyer_id else ""
        self.region = REGIONS.get(detail.region, "") if detail.region else ""
        self.published, self.closes = format_datetime(detail.published_at), format_datetime(detail.closes_at)
        self.closes_label, self.urgency = label, urgency
        self.amount = format_clp(detail.amount_available)
        days = f" · plazo {detail.delivery_days} días" if detail.delivery_days else ""
        self.delivery = (detail.delivery_address or "Dirección no informada") + days
        self.official_url = detail.official_url
        self.items = [
            ItemRow(
                i.name, i.description or "", format_quantity(i.quantity) + (f" {i.unit}" if i.unit else "")
            )
            for i in detail.items
        ]
        self.quotes = quote_rows(detail)

    @rx.event
    async def load(self):
        codigo = unquote(self.router.url.path.rstrip("/").rsplit("/", 1)[-1])
        self._start()
        (await self.get_state(GuidanceState))._clear()
        yield
        detail = await self._call(lambda session: get_tender(session=session, codigo=codigo))
        if detail is None:
            return
        self._show(detail)
        yield GuidanceState.analyze(detail.codigo if detail.product_names() else "")


def _fact(label: str, value) -> rx.Component:
    return rx.vstack(rx.text(label, size="1", color_scheme="gray"), rx.text(value, size="2"), spacing="0")


def _details() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.badge(TenderState.state_label, variant="surface"),
            rx.badge(TenderState.closes_label, color_scheme=TenderState.urgency, size="2"),
            rx.text(TenderState.codigo, size="1", color_scheme="gray"),
            wrap="wrap",
            align="center",
        ),
        rx.heading(TenderState.name, size="6", id="tender-name"),
        save_button(),
        rx.link(TenderState.organismo, href=TenderState.buyer_href, color_scheme="gray", id="buyer-link"),
        rx.grid(
            _fact("Monto disponible", TenderState.amount),
            _fact("Cierre", TenderState.closes),
            _fact("Publicación", TenderState.published),
            _fact("Región", TenderState.region),
            _fact("Entrega", TenderState.delivery),
            columns=rx.breakpoints(initial="2", md="5"),
            spacing="3",
            width="100%",
        ),
        rx.text(TenderState.description, size="2"),
        rx.link(
            rx.hstack(rx.icon("external_link", size=14), rx.text("Ver ficha oficial en Mercado Público")),
            href=TenderState.official_url,
            is_external=True,
            id="official-link",
        ),
        spacing="3",
        width="100%",
    )


def _items() -> rx.Component:
    return rx.cond(
        TenderState.items.length() > 0,
        rx.vstack(
            rx.heading("Productos solicitados", size="4"),
            rx.foreach(
                TenderState.items,
                lambda item: rx.card(
                    rx.hstack(
                        rx.vstack(rx.text(item.name, weight="medium"), rx.text(item.description, size="1", color_scheme="gray"), spacing="0"),
                        rx.spacer(),
                        rx.text(item.quantity),
                        width="100%",
                    ),
                    width="100%",
                ),
            ),
            width="100%",
        ),
    )  # fmt: skip


def _guidance() -> rx.Component:
    return rx.vstack(
        rx.heading("¿A qué precio cotizar?", size="4"),
        rx.cond(
            GuidanceState.loading,
            rx.skeleton(rx.box(height="140px"), width="100%"),
            rx.cond(
                GuidanceState.login_href != "",
                _account_needed(),
                rx.cond(
                    GuidanceState.quota_error != "",
                    upgrade_callout(GuidanceState.quota_error),
                    _guidance_result(),
                ),
            ),
        ),
        width="100%",
        spacing="3",
    )


def _account_needed() -> rx.Component:
    return rx.callout(
        rx.vstack(
            rx.text("Crea una cuenta gratis para ver el precio sugerido y quién gana estas compras."),
            rx.hstack(
                rx.link(rx.button("Entrar", size="2"), href=GuidanceState.login_href, id="guidance-login"),
                rx.link(rx.button("Crear cuenta", size="2", variant="soft"), href=routes.SIGNUP),
                wrap="wrap",
            ),
            spacing="2",
            align="start",
        ),
        icon="lock",
        id="guidance-account-needed",
        width="100%",
    )


def _guidance_result() -> rx.Component:
    return rx.fragment(
        rx.cond(
            GuidanceState.error != "",
            error_state(GuidanceState, TenderState.load),
            rx.vstack(
                quote_guidance(GuidanceState.quote),
                rx.cond(
                    GuidanceState.quote.rows.length() > 1,
                    rx.text(
                        "Análisis detallado de «",
                        GuidanceState.summary.product,
                        "»",
                        size="3",
                        weight="medium",
                    ),
                ),
                price_summary(GuidanceState.summary),
                rx.cond(
                    GuidanceState.summary.found,
                    rx.vstack(
                        insight_list(GuidanceState.summary),
                        price_charts_grid(GuidanceState.distribution, GuidanceState.trend),
                        rx.link("Explorar estos precios en detalle →", href=GuidanceState.prices_link),
                        width="100%",
                        spacing="3",
                    ),
                ),
                width="100%",
                spacing="3",
            ),
        ),
    )


@rx.page(route=routes.TENDER, title="Compra Ágil · CompraAgil", on_load=TenderState.load)
def tender_page() -> rx.Component:
    return page(
        rx.cond(
            TenderState.loading,
            rx.vstack(rx.skeleton(rx.box(height="40px"), width="60%"), rx.skeleton(rx.box(height="160px"), width="100%"), width="100%", padding_y="1em"),
            rx.cond(
                TenderState.error == "",
                rx.vstack(_details(), _guidance(), win_section(), proposal_button(), _items(), received_quotes(TenderState.quotes), similar_section(), spacing="5", width="100%", padding_y="1em"),
                error_state(TenderState, TenderState.load),
            ),
        )
    )  # fmt: skip
