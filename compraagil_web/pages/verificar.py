"""Verificar: the target of the confirmation link sent at sign-up or when changing the email."""

import reflex as rx

from compraagil.accounts import service
from compraagil_web import routes
from compraagil_web.components.account_ui import error_message, form_card, ok_message
from compraagil_web.components.layout import page
from compraagil_web.core_calls import CoreCalls


class VerifyState(CoreCalls, rx.State):
    done: str = ""

    @rx.event
    async def load(self):
        self._start()
        self.done = ""
        yield
        token = self.router.url.query_parameters.get("token", "")
        email = await self._call(lambda session: service.verify_email(session=session, token=token))
        if email:
            self.done = f"Confirmamos {email}. Ya puedes entrar."


@rx.page(route=routes.VERIFY, title="Confirmar correo · CompraAgil", on_load=VerifyState.load)
def verify_page() -> rx.Component:
    return page(
        form_card(
            "Confirmar correo",
            rx.cond(
                VerifyState.loading,
                rx.skeleton(rx.box(height="48px"), width="100%"),
                rx.vstack(
                    ok_message(VerifyState.done, id="verify-done"),
                    error_message(VerifyState.error, id="verify-error"),
                    rx.link("Ir a Entrar", href=routes.LOGIN, id="verify-login"),
                    width="100%",
                ),
            ),
        )
    )
