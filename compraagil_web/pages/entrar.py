"""Entrar: email and password; back to the page that asked for an account."""

import reflex as rx

from compraagil.accounts import service
from compraagil.accounts.client_ip import client_ip
from compraagil_web import routes
from compraagil_web.components.account_ui import error_message, field, form_card
from compraagil_web.components.layout import page
from compraagil_web.components.submit_button import submit_button
from compraagil_web.core_calls import CoreCalls
from compraagil_web.state import AuthState, safe_next, signed_in_user


class LoginState(CoreCalls, rx.State):
    loading: bool = False

    def _next(self) -> str:
        return safe_next(self.router.url.query_parameters.get("siguiente", routes.ACCOUNT))

    @rx.event
    async def load(self):
        self.error, self.loading = "", False
        if await signed_in_user(self):
            return rx.redirect(self._next(), replace=True)

    @rx.event
    async def submit(self, form: dict):
        self._start()
        yield
        auth = await self.get_state(AuthState)
        email, password = str(form.get("email", "")), str(form.get("password", ""))
        previous = auth.session_token
        ip = client_ip(
            peer=self.router.session.client_ip,
            forwarded_for=self.router.headers.raw_headers.get("x-forwarded-for", ""),
        )
        token = await self._call(
            lambda session: service.log_in(
                session=session, email=email, password=password, ip=ip, previous_token=previous
            )
        )
        if token:
            auth.start_session(token)
            await auth.user()
            yield rx.redirect(self._next())


@rx.page(route=routes.LOGIN, title="Entrar · CompraAgil", on_load=LoginState.load)
def login_page() -> rx.Component:
    return page(
        form_card(
            "Entrar",
            rx.form(
                rx.vstack(
                    field("Correo", "email", type="email", auto_complete="username", required=True),
                    field("Contraseña", "password", type="password", auto_complete="current-password", required=True),
                    error_message(LoginState.error, id="login-error"),
                    submit_button("Entrar", size="3", width="100%", loading=LoginState.loading, id="login-submit"),
                    spacing="3",
                    width="100%",
                ),
                on_submit=LoginState.submit,
                width="100%",
            ),
            rx.hstack(
                rx.link("¿Olvidaste tu contraseña?", href=routes.RECOVER, size="2"),
                rx.spacer(),
                rx.link("Crear cuenta", href=routes.SIGNUP, size="2"),
                width="100%",
                wrap="wrap",
            ),
        )
    )  # fmt: skip
