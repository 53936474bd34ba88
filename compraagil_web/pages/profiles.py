"""Organismo and Proveedor: who buys what from whom, and how a supplier fares against the market."""

from datetime import date, datetime
from urllib.parse import unquote

import reflex as rx
from sqlalchemy.orm import Session

from compraagil.chile.dates import SANTIAGO
from compraagil.chile.money import format_clp, format_count
from compraagil.chile.regions import REGIONS, SHORT_NAMES
from compraagil.chile.rut import Rut, format_rut, parse_rut
from compraagil.competition.service import SupplierProfile, buyer_profile, supplier_profile
from compraagil_web import routes
from compraagil_web.components.error_state import error_state
from compraagil_web.components.figure import figure_card
from compraagil_web.components.layout import page
from compraagil_web.components.ranked import RankedRow, ranked_list
from compraagil_web.core_calls import CoreCalls
from compraagil_web.state import signed_in_user, to_login


def _last_segment(path: str) -> str:
    return unquote(path.rstrip("/").rsplit("/", 1)[-1])


class BuyerState(CoreCalls, rx.State):
    organismo: str = ""
    subtitle: str = ""
    processes: str = ""
    spend: str = ""
    average_quotes: str = ""
    products: list[RankedRow] = []
    suppliers: list[RankedRow] = []

    @rx.event
    async def load(self):
        if await signed_in_user(self) is None:
            yield to_login(self)
            return
        self._start()
        yield
        key = _last_segment(self.router.url.path)
        buyer_id = int(key) if key.isdigit() else 0
        today = datetime.now(SANTIAGO).date()
        profile = await self._call(
            lambda session: buyer_profile(session=session, buyer_id=buyer_id, today=today)
        )
        if profile is None:
            return
        self.organismo = profile.organismo
        region = REGIONS.get(profile.region, "") if profile.region else ""
        self.subtitle = f"{profile.units} unidad{'es' if profile.units != 1 else ''} de compra · {region}"
        self.processes = format_count(profile.processes)
        self.spend = format_clp(profile.spend)
        self.average_quotes = f"{profile.average_quotes:.1f}".replace(".", ",")
        self.products = [RankedRow(p.name, format_count(p.count)) for p in profile.products]
        self.suppliers = [
            RankedRow(s.name, format_count(s.count), format_clp(s.extra)) for s in profile.suppliers
        ]


class SupplierState(CoreCalls, rx.State):
    name: str = ""
    subtitle: str = ""
    quotes: str = ""
    wins: str = ""
    awarded: str = ""
    win_rate: str = ""
    price_position: str = ""
    regions: list[RankedRow] = []
    buyers: list[RankedRow] = []

    @rx.event
    async def load(self):
        if await signed_in_user(self) is None:
            yield to_login(self)
            return
        self._start()
        yield
        key = _last_segment(self.router.url.path)
        today = datetime.now(SANTIAGO).date()
        found = await self._call(lambda session: _supplier_with_rut(session=session, text=key, today=today))
        if found is None:
            return
        rut, profile = found
        self.name = profile.name
        self.subtitle = f"RUT {format_rut(rut)}" + (f" · {profile.size}" if profile.size else "")
        self.quotes = format_count(profile.quotes)
        self.wins = f"{format_count(profile.wins)} de {format_count(profile.processes)}"
        self.win_rate = f"{profile.wins / profile.processes:.0%}" if profile.processes else "—"
        self.awarded = format_clp(profile.awarded)
        if profile.price_position is None:
            self.price_position = "Sin datos"
        else:
            side = "sobre" if profile.price_position > 0 else "bajo"
            self.price_position = f"{abs(profile.price_position):.0f} % {side} la mediana"
        self.regions = [
            RankedRow(SHORT_NAMES.get(int(r.name), r.name), format_count(r.count)) for r in profile.regions
        ]
        self.buyers = [RankedRow(b.name, format_count(b.count)) for b in profile.buyers]


def _supplier_with_rut(*, session: Session, text: str, today: date) -> tuple[Rut, SupplierProfile]:
    """The RUT as typed in the URL (InvalidInput when it is not one) and its supplier's profile."""
    rut = parse_rut(text)
    return rut, supplier_profile(session=session, rut=rut.compact, today=today)


def _frame(state, title, subtitle, figures: rx.Component, lists: rx.Component) -> rx.Component:
    return page(
        rx.cond(
            state.loading,
            rx.vstack(rx.skeleton(rx.box(height="40px"), width="50%"), rx.skeleton(rx.box(height="200px"), width="100%"), width="100%"),
            rx.cond(
                state.error == "",
                rx.vstack(
                    rx.heading(title, size="7", id="profile-name"),
                    rx.text(subtitle, color_scheme="gray"),
                    figures,
                    lists,
                    spacing="4",
                    width="100%",
                    padding_y="1em",
                ),
                error_state(state, state.load),
            ),
        )
    )  # fmt: skip


@rx.page(route=routes.BUYER, title="Organismo · CompraAgil", on_load=BuyerState.load)
def buyer_page() -> rx.Component:
    return _frame(
        BuyerState,
        BuyerState.organismo,
        BuyerState.subtitle,
        rx.grid(
            figure_card("Compras Ágiles (24 meses)", BuyerState.processes, "buyer-processes"),
            figure_card("Monto adjudicado", BuyerState.spend, "buyer-spend"),
            figure_card("Proveedores por proceso", BuyerState.average_quotes, "buyer-average-quotes"),
            columns=rx.breakpoints(initial="1", sm="3"),
            spacing="3",
            width="100%",
        ),
        rx.grid(
            ranked_list("Lo que más compra", BuyerState.products, "procesos", "buyer-products"),
            ranked_list("Proveedores preferidos", BuyerState.suppliers, "adjudicaciones", "buyer-suppliers"),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
    )


@rx.page(route=routes.SUPPLIER, title="Proveedor · CompraAgil", on_load=SupplierState.load)
def supplier_page() -> rx.Component:
    return _frame(
        SupplierState,
        SupplierState.name,
        SupplierState.subtitle,
        rx.grid(
            figure_card("Procesos ganados", SupplierState.wins, "supplier-wins"),
            figure_card("Tasa de éxito", SupplierState.win_rate, "supplier-win-rate"),
            figure_card("Monto adjudicado", SupplierState.awarded, "supplier-awarded"),
            figure_card("Cotizaciones", SupplierState.quotes, "supplier-quotes"),
            figure_card("Precio frente al mercado", SupplierState.price_position, "supplier-price-position"),
            columns=rx.breakpoints(initial="1", sm="2", md="5"),
            spacing="3",
            width="100%",
        ),
        rx.grid(
            ranked_list("Dónde cotiza", SupplierState.regions, "procesos", "supplier-regions"),
            ranked_list("A quién le vende", SupplierState.buyers, "procesos", "supplier-buyers"),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
    )
