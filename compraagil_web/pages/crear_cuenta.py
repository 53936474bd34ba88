"""Crear cuenta: email, password and the company's name (or joining by invitation); then the
verification email."""

import reflex as rx

from compraagil.accounts import service
from compraagil.accounts.passwords import MIN_LENGTH
from compraagil_web import routes
from compraagil_web.components.account_ui import error_message, field, form_card, ok_message
from compraagil_web.components.layout import page
from compraagil_web.components.submit_button import submit_button
from compraagil_web.core_calls import CoreCalls


class SignupState(CoreCalls, rx.State):
    loading: bool = False
    invitation: str = ""
    done: str = ""

    @rx.event
    def load(self):
        self.invitation = self.router.url.query_parameters.get("invitacion", "")
        self.error, self.done, self.loading = "", "", False

    @rx.event
    async def submit(self, form: dict):
        self._start()
        yield
        email, password = str(form.get("email", "")), str(form.get("password", ""))
        company, invitation = str(form.get("company", "")), self.invitation
        await self._call(
            lambda session: service.sign_up(
                session=session, email=email, password=password, company_name=company, invitation=invitation
            )
        )
        if not self.error:
            self.done = (
                "¡Listo! Ya puedes entrar con tu correo y contraseña."
                if invitation
                else f"Te enviamos un correo a {email.strip().lower()}. Abre el enlace para activar tu cuenta."
            )


@rx.page(route=routes.SIGNUP, title="Crear cuenta · CompraAgil", on_load=SignupState.load)
def signup_page() -> rx.Component:
    return page(
        form_card(
            "Crear cuenta",
            rx.cond(
                SignupState.done != "",
                rx.vstack(ok_message(SignupState.done, id="signup-done"), rx.link("Ir a Entrar", href=routes.LOGIN)),
                rx.form(
                    rx.vstack(
                        rx.cond(
                            SignupState.invitation != "",
                            rx.text("Te invitaron a unirte a una empresa: crea tu cuenta con el correo invitado.", size="2"),
                            field("Razón social (opcional)", "company", auto_complete="organization"),
                        ),
                        field("Correo", "email", type="email", auto_complete="username", required=True),
                        field("Contraseña", "password", type="password", auto_complete="new-password", required=True),
                        rx.text(f"Al menos {MIN_LENGTH} caracteres; evita las contraseñas comunes.", size="1", color_scheme="gray"),
                        error_message(SignupState.error, id="signup-error"),
                        submit_button("Crear cuenta gratis", size="3", width="100%", loading=SignupState.loading, id="signup-submit"),
                        spacing="3",
                        width="100%",
                    ),
                    on_submit=SignupState.submit,
                    width="100%",
                ),
            ),
            rx.text("¿Ya tienes cuenta? ", rx.link("Entrar", href=routes.LOGIN), size="2"),
        )
    )  # fmt: skip
