"""The order page (/pago?orden=…), where the payer lands back from Flow or Stripe: the order's real
state, followed until the provider's confirmation settles it (paid, rejected or cancelled)."""

import asyncio

import reflex as rx

from compraagil.chile.dates import format_date
from compraagil.chile.money import format_clp
from compraagil.db import session_scope
from compraagil.payments import checkout
from compraagil.payments.checkout import OrderView
from compraagil_web import routes
from compraagil_web.components.account_ui import error_message
from compraagil_web.components.layout import page
from compraagil_web.core_calls import CoreCalls
from compraagil_web.state import signed_in_user, to_login

POLL_SECONDS = 2.0
FOLLOW_FOR_SECONDS = 180


def _order(company_id: int, public_id: str) -> OrderView:
    with session_scope() as session:
        return checkout.order_state(session=session, company_id=company_id, public_id=public_id)


class PaymentState(CoreCalls, rx.State):
    order: str = ""
    status: str = ""
    plan_name: str = ""
    amount: str = ""
    period_end: str = ""

    def _show(self, view: OrderView) -> None:
        self.status, self.plan_name, self.amount = view.status, view.plan_name, format_clp(view.amount_clp)
        self.period_end = format_date(view.period_end) if view.period_end else ""

    @rx.event
    async def load(self):
        self._start()
        self.order, self.status = self.router.url.query_parameters.get("orden", ""), ""
        user = await signed_in_user(self)
        if user is None:
            yield to_login(self)
            return
        found = await self._call(
            lambda session: checkout.order_state(
                session=session, company_id=user.company_id, public_id=self.order
            )
        )
        if found:
            self._show(found)
            if found.status == "pending":
                yield PaymentState.follow(user.company_id)

    @rx.event(background=True)
    async def follow(self, company_id: int):
        """Ask again every few seconds until the provider's confirmation settles the order."""
        async with self:
            order = self.order
        for _ in range(int(FOLLOW_FOR_SECONDS / POLL_SECONDS)):
            await asyncio.sleep(POLL_SECONDS)
            view = await asyncio.to_thread(_order, company_id, order)
            async with self:
                if self.order != order:
                    return
                self._show(view)
                if view.status != "pending":
                    return


def _outcome() -> rx.Component:
    return rx.match(
        PaymentState.status,
        ("paid", rx.callout(
            rx.vstack(
                rx.text("¡Pago recibido! Tu plan ", rx.text.strong(PaymentState.plan_name), " está activo hasta el ", PaymentState.period_end, "."),
                rx.text("Tu boleta o factura está en Cuenta, lista para descargar.", size="2"),
                rx.hstack(rx.link(rx.button("Ir a Cuenta"), href=routes.ACCOUNT), rx.link(rx.button("Buscar Compras Ágiles", variant="soft"), href=routes.SEARCH)),
                spacing="2",
            ),
            icon="circle_check", color_scheme="green", id="payment-paid",
        )),
        ("rejected", rx.callout(
            rx.vstack(rx.text("El pago fue rechazado y no se cobró nada."), rx.link("Volver a Planes", href=routes.PLANS), spacing="2"),
            icon="circle_x", color_scheme="red", id="payment-rejected",
        )),
        ("canceled", rx.callout(
            rx.vstack(rx.text("El pago se anuló y no se cobró nada."), rx.link("Volver a Planes", href=routes.PLANS), spacing="2"),
            icon="circle_x", color_scheme="gray", id="payment-canceled",
        )),
        rx.callout(
            rx.hstack(rx.spinner(), rx.text("Esperando la confirmación del medio de pago… esta página se actualiza sola."), align="center"),
            icon="clock", id="payment-pending",
        ),
    )  # fmt: skip


@rx.page(route=routes.PAYMENT, title="Tu pago · CompraAgil", on_load=PaymentState.load)
def payment_page() -> rx.Component:
    return page(
        rx.vstack(
            rx.heading("Tu pago", size="7"),
            rx.cond(
                PaymentState.loading,
                rx.skeleton(rx.box(height="90px"), width="100%"),
                rx.cond(
                    PaymentState.error != "",
                    error_message(PaymentState.error, id="payment-error"),
                    rx.vstack(
                        rx.text("Orden ", rx.code(PaymentState.order), " · plan ", PaymentState.plan_name, " · ", PaymentState.amount, size="2", color_scheme="gray"),
                        _outcome(),
                        spacing="3",
                        width="100%",
                    ),
                ),
            ),
            spacing="4",
            width="100%",
            max_width="720px",
            padding_y="1em",
        )
    )  # fmt: skip
