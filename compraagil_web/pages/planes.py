"""Planes: the four plans with their prices and what each gives (checkout comes with payments)."""

import reflex as rx

from compraagil.plans.table import FEATURES, PLANS, Kind, Plan, describe_limit
from compraagil_web import routes
from compraagil_web.components.layout import page
from compraagil_web.state import signed_in_user


class PlansState(rx.State):
    current: str = ""

    @rx.event
    async def load(self):
        user = await signed_in_user(self)
        self.current = user.plan if user else ""


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
            spacing="2",
            width="100%",
        ),
        width="100%",
        variant=rx.cond(current, "classic", "surface"),
        class_name="plan-card",
    )


@rx.page(route=routes.PLANS, title="Planes · CompraAgil", on_load=PlansState.load)
def plans_page() -> rx.Component:
    return page(
        rx.vstack(
            rx.heading("Planes", size="7"),
            rx.text("Precios en pesos chilenos, por mes. Cambia de plan cuando quieras.", color_scheme="gray"),
            rx.grid(
                *(_plan_card(plan) for plan in PLANS.values()),
                columns=rx.breakpoints(initial="1", sm="2", lg="4"),
                spacing="4",
                width="100%",
            ),
            rx.callout(
                "Muy pronto podrás pagar en línea. Mientras tanto, escríbenos a ventas@compraagil.cl y activamos"
                " tu plan por transferencia el mismo día.",
                icon="info",
                width="100%",
            ),
            rx.link("Crear cuenta gratis", href=routes.SIGNUP),
            spacing="4",
            width="100%",
            padding_y="1em",
        )
    )  # fmt: skip
