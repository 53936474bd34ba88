"""Recuperar contraseña: ask for a link by email, then (from the link) choose a new password."""

import reflex as rx

from compraagil.accounts import service
from compraagil.accounts.passwords import MIN_LENGTH
from compraagil_web import routes
from compraagil_web.components.account_ui import error_message, field, form_card, ok_message
from compraagil_web.components.layout import page
from compraagil_web.components.submit_button import submit_button
from compraagil_web.core_calls import CoreCalls

SENT = "Si ese correo tiene una cuenta, te enviamos un enlace para elegir una contraseña nueva. Revisa tu bandeja."


class RecoverState(CoreCalls, rx.State):
    loading: bool = False
    has_token: bool = False
    done: str = ""

    @rx.event
    def load(self):
        self.has_token = bool(self.router.url.query_parameters.get("token"))
        self.error, self.done, self.loading = "", "", False

    @rx.event
    async def request(self, form: dict):
        self._start()
        yield
        email = str(form.get("email", ""))
        await self._call(lambda session: service.request_password_reset(session=session, email=email))
        if not self.error:
            self.done = SENT

    @rx.event
    async def set_new_password(self, form: dict):
        self._start()
        yield
        token = self.router.url.query_parameters.get("token", "")
        password = str(form.get("password", ""))
        await self._call(
            lambda session: service.reset_password(session=session, token=token, new_password=password)
        )
        if not self.error:
            self.done = "Tu contraseña cambió y cerramos las sesiones abiertas. Ya puedes entrar."


def _request_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text("Escribe el correo de tu cuenta y te enviaremos un enlace.", size="2"),
            field("Correo", "email", type="email", auto_complete="username", required=True),
            error_message(RecoverState.error, id="recover-error"),
            submit_button("Enviar enlace", size="3", width="100%", loading=RecoverState.loading, id="recover-submit"),
            spacing="3",
            width="100%",
        ),
        on_submit=RecoverState.request,
        width="100%",
    )  # fmt: skip


def _reset_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            field("Contraseña nueva", "password", type="password", auto_complete="new-password", required=True),
            rx.text(f"Al menos {MIN_LENGTH} caracteres; evita las contraseñas comunes.", size="1", color_scheme="gray"),
            error_message(RecoverState.error, id="recover-error"),
            submit_button("Guardar contraseña", size="3", width="100%", loading=RecoverState.loading, id="reset-submit"),
            spacing="3",
            width="100%",
        ),
        on_submit=RecoverState.set_new_password,
        width="100%",
    )  # fmt: skip


@rx.page(route=routes.RECOVER, title="Recuperar contraseña · CompraAgil", on_load=RecoverState.load)
def recover_page() -> rx.Component:
    return page(
        form_card(
            "Recuperar contraseña",
            rx.cond(
                RecoverState.done != "",
                rx.vstack(ok_message(RecoverState.done, id="recover-done"), rx.link("Ir a Entrar", href=routes.LOGIN)),
                rx.cond(RecoverState.has_token, _reset_form(), _request_form()),
            ),
        )
    )  # fmt: skip
