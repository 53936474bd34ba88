"""Planes: the four plans with their prices and what each gives; a signed-in company pays here
(Flow, or Stripe for international cards), renews, or upgrades with the unused days discounted."""

import reflex as rx

from compraagil.chile.money import format_clp
from compraagil.payments import checkout
from compraagil.payments.checkout import Offer
from compraagil.plans.table import FEATURES, PLANS, Kind, Plan, describe_limit
from compraagil_web import routes
from compraagil_web.components.account_ui import error_message
from compraagil_web.components.layout import page
from compraagil_web.core_calls import CoreCalls
from compraagil_web.state import signed_in_user, to_login


def _label(offer: Offer) -> str:
    if offer.purpose == "renewal":
        return f"Pagar el próximo mes: {format_clp(offer.amount_clp)}"
    if offer.purpose == "upgrade":
        return f"Mejorar hoy por {format_clp(offer.amount_clp)} (descuento de {format_clp(offer.credit_clp)} por los días no usados)"
    return f"Suscribirme por {format_clp(offer.amount_clp)} al mes"


class PlansState(CoreCalls, rx.State):
    current: str = ""
    signed_in: bool = False
    labels: dict[str, str] = {}
    refusals: dict[str, str] = {}
    international: dict[str, bool] = {}
    """Stripe is offered for a new subscription only."""

    @rx.event
    async def load(self):
        user = await signed_in_user(self)
        self.current, self.signed_in = (user.plan, True) if user else ("", False)
        if user is None:
            self.loading = False
            return
        found = await self._call(lambda session: checkout.offers(session=session, company_id=user.company_id))
        for offer in found or []:
            self.labels[offer.plan_code] = "" if offer.refusal else _label(offer)
            self.refusals[offer.plan_code] = offer.refusal
            self.international[offer.plan_code] = offer.purpose == "subscribe"

    @rx.event
    async def pay(self, plan_code: str, provider: str):
        """Make (or reuse) the order and send the browser to the provider's page."""
        user = await signed_in_user(self)
        if user is None:
            yield to_login(self)
            return
        self._start()
        yield
        url = await self._call(
            lambda session: checkout.start_checkout(
                session=session,
                user_id=user.user_id,
                company_id=user.company_id,
                plan_code=plan_code,
                provider=provider,
            )
        )
        if url:
            self.loading = True
            yield rx.redirect(url)


def _feature_line(plan: Plan, feature) -> rx.Component:
    info, limit = FEATURES[feature], plan.limit(feature)
    included = limit != 0
    text = info.label if info.kind is Kind.INCLUDED else describe_limit(plan, feature)
    return rx.hstack(
        rx.icon("check" if included else "x", size=16, color=f"var(--{'teal' if included else 'gray'}-9)"),
        rx.text(text if included else info.label, size="2", color_scheme=None if included else "gray"),
        spacing="2",
        align="center",
    )


def _pay_buttons(plan: Plan) -> rx.Component:
    return rx.cond(
        PlansState.refusals[plan.code] != "",
        rx.text(PlansState.refusals[plan.code], size="1", color_scheme="gray"),
        rx.vstack(
            rx.text(PlansState.labels[plan.code], size="2", weight="medium"),
            rx.button("Pagar con Flow", on_click=PlansState.pay(plan.code, "flow"), loading=PlansState.loading, width="100%", id=f"pay-flow-{plan.code}"),
            rx.cond(
                PlansState.international[plan.code],
                rx.button("Tarjeta internacional", on_click=PlansState.pay(plan.code, "stripe"), loading=PlansState.loading, variant="outline", width="100%", id=f"pay-stripe-{plan.code}"),
            ),
            spacing="2",
            width="100%",
        ),
    )  # fmt: skip


def _plan_card(plan: Plan) -> rx.Component:
    current = PlansState.current == plan.code
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(plan.name, size="5"),
                rx.cond(current, rx.badge("Tu plan", color_scheme="teal")),
                align="center",
            ),
            rx.heading(plan.price_label, size="6", id=f"plan-price-{plan.code}"),
            rx.text("Búsqueda de Compras Ágiles", size="2"),
            rx.text("Mis resultados: por qué ganas o pierdes", size="2"),
            *(_feature_line(plan, feature) for feature in FEATURES),
            rx.spacer(),
            *([rx.cond(PlansState.signed_in, _pay_buttons(plan))] if plan.price_clp > 0 else []),
            spacing="2",
            width="100%",
            height="100%",
        ),
        width="100%",
        variant=rx.cond(current, "classic", "surface"),
        class_name="plan-card",
        id=f"plan-{plan.code}",
    )


@rx.page(route=routes.PLANS, title="Planes · CompraAgil", on_load=PlansState.load)
def plans_page() -> rx.Component:
    return page(
        rx.vstack(
            rx.heading("Planes", size="7"),
            rx.text(
                "Precios en pesos chilenos por mes, IVA incluido. Pagas con Flow (tarjetas chilenas, Webpay,"
                " transferencia) o con tarjeta internacional. Cancela cuando quieras: mantienes tu plan hasta el"
                " fin del período pagado.",
                color_scheme="gray",
            ),
            error_message(PlansState.error, id="checkout-error"),
            rx.grid(
                *(_plan_card(plan) for plan in PLANS.values()),
                columns=rx.breakpoints(initial="1", sm="2", lg="4"),
                spacing="4",
                width="100%",
            ),
            rx.cond(~PlansState.signed_in, rx.link("Crear cuenta gratis", href=routes.SIGNUP)),
            rx.text(
                "Al mejorar de plan, pagas hoy el nuevo plan menos los días que no usaste del anterior, y el nuevo"
                " período empieza hoy. Para bajar de plan, cancela la renovación en Cuenta y elige el nuevo al"
                " terminar tu período.",
                size="1",
                color_scheme="gray",
            ),
            spacing="4",
            width="100%",
            padding_y="1em",
        )
    )  # fmt: skip
