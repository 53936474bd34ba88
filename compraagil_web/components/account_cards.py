"""The Cuenta page's cards for the plan, the team, an invitation, security and Telegram; `state` is the page's state
(its vars and handlers), passed in so the page module stays the one place that defines it."""

import reflex as rx

from compraagil_web import routes
from compraagil_web.components.account_ui import error_message, field, ok_message
from compraagil_web.components.submit_button import submit_button

ROLE_LABELS = {"owner": "Administrador", "member": "Miembro"}


def section_messages(state, section: str) -> rx.Component:
    """The error or the confirmation of one section, shown under the form that caused it."""
    return rx.cond(
        state.section == section,
        rx.vstack(error_message(state.error, id=f"{section}-error"), ok_message(state.notice, id=f"{section}-ok"), width="100%"),
    )  # fmt: skip


def _member_controls(state, m) -> rx.Component:
    """For owners: the member's role and «Quitar»; for members: the role as a badge."""
    return rx.cond(
        state.is_owner,
        rx.hstack(
            rx.el.select(
                *(rx.el.option(label, value=value) for value, label in ROLE_LABELS.items()),
                value=m.role_code, aria_label="Rol de " + m.email, class_name="member-role",
                on_change=lambda role: state.change_role(m.user_id, role),
                style={"padding": "0.3em", "border_radius": "6px", "border": "1px solid var(--gray-a7)"},
            ),
            rx.button("Quitar", size="1", color_scheme="red", variant="soft", class_name="member-remove", on_click=state.remove_member(m.user_id)),
            align="center",
        ),
        rx.badge(m.role, variant="surface"),
    )  # fmt: skip


def invitation_card(state) -> rx.Component:
    """Shown when the page was opened from an invitation's «Ya tengo cuenta» link."""
    return rx.cond(
        state.invitation != "",
        rx.card(
            rx.vstack(
                rx.heading("Te invitaron a una empresa", size="4"),
                rx.text("Al aceptar, tu cuenta pasa a ser parte de esa empresa (si aún no tienes una).", size="2"),
                section_messages(state, "invitation"),
                rx.button("Aceptar invitación", on_click=state.accept_invitation, id="invitation-accept"),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
    )  # fmt: skip


def members_card(state) -> rx.Component:
    """The team; owners also invite, change roles and remove."""
    return rx.card(
        rx.vstack(
            rx.heading("Equipo", size="4"),
            rx.foreach(
                state.members,
                lambda m: rx.hstack(
                    rx.text(m.email, size="2", weight="medium", style={"overflow_wrap": "anywhere"}),
                    rx.spacer(),
                    _member_controls(state, m),
                    rx.text(m.status, size="1", color_scheme="gray"),
                    width="100%",
                    wrap="wrap",
                    align="center",
                    class_name="member-row",
                ),
            ),
            rx.cond(
                state.is_owner,
                rx.form(
                    rx.flex(
                        rx.input(name="invite_email", type="email", placeholder="correo@empresa.cl", aria_label="Correo a invitar", flex="1", min_width="200px", required=True),
                        submit_button("Invitar", id="invite-submit"),
                        gap="2",
                        wrap="wrap",
                        width="100%",
                    ),
                    on_submit=state.invite,
                    reset_on_submit=True,
                    width="100%",
                ),
            ),
            section_messages(state, "members"),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )  # fmt: skip


def security_card(state) -> rx.Component:
    """Change the password or the email, and close every session."""
    return rx.card(
        rx.vstack(
            rx.heading("Seguridad", size="4"),
            rx.form(
                rx.vstack(
                    field("Contraseña actual", "current_password", type="password", auto_complete="current-password", required=True),
                    field("Contraseña nueva", "new_password", type="password", auto_complete="new-password", required=True),
                    section_messages(state, "password"),
                    submit_button("Cambiar contraseña", id="password-submit"),
                    spacing="2",
                    width="100%",
                ),
                on_submit=state.change_password,
                reset_on_submit=True,
                width="100%",
            ),
            rx.divider(),
            rx.form(
                rx.vstack(
                    field("Correo nuevo", "new_email", type="email", required=True),
                    field("Tu contraseña", "email_password", type="password", auto_complete="current-password", required=True),
                    section_messages(state, "email"),
                    submit_button("Cambiar correo", id="email-submit"),
                    spacing="2",
                    width="100%",
                ),
                on_submit=state.change_email,
                reset_on_submit=True,
                width="100%",
            ),
            rx.divider(),
            rx.button("Cerrar sesión en todos los dispositivos", on_click=state.log_out_everywhere, color_scheme="red", variant="soft", id="logout-everywhere"),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )  # fmt: skip


def telegram_card(state) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Telegram", size="4"),
            rx.cond(
                state.telegram_linked,
                rx.vstack(
                    rx.hstack(rx.badge("Vinculado", color_scheme="green"), rx.text("Tus alertas con el canal Telegram llegan a tu chat con el bot.", size="2"), align="center", wrap="wrap"),
                    rx.button("Desvincular", on_click=state.unlink_telegram, variant="outline", color_scheme="red", id="telegram-unlink-button"),
                    spacing="2",
                ),
                rx.vstack(
                    rx.text("Recibe tus alertas y consulta precios desde Telegram.", size="2"),
                    rx.button("Vincular Telegram", on_click=state.link_telegram, id="telegram-link-button"),
                    rx.cond(
                        state.telegram_link != "",
                        rx.vstack(
                            rx.link("Abrir el bot y vincular", href=state.telegram_link, is_external=True, id="telegram-link"),
                            rx.text("El enlace sirve una vez y vence en 15 minutos. Toca «Iniciar» en Telegram y vuelve aquí.", size="1", color_scheme="gray"),
                            rx.button("Ya lo vinculé", on_click=state.check_telegram, variant="soft", id="telegram-check-button"),
                            spacing="1",
                        ),
                    ),
                    spacing="2",
                ),
            ),
            section_messages(state, "telegram"),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )  # fmt: skip


def plan_card(state) -> rx.Component:
    """The plan, its price and each quota's use this period, with «Mejorar plan»."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.text("Tu plan", size="2", color_scheme="gray"),
                    rx.heading(state.plan_name, size="6", id="account-plan"),
                    rx.text(state.plan_price, size="2"),
                    spacing="1",
                ),
                rx.spacer(),
                rx.link(rx.button("Mejorar plan", variant="soft"), href=routes.PLANS),
                width="100%",
                align="start",
            ),
            rx.foreach(
                state.usage,
                lambda row: rx.vstack(
                    rx.hstack(rx.text(row.label, size="2"), rx.spacer(), rx.text(row.text, size="2", weight="medium"), width="100%"),
                    rx.progress(value=row.percent, max=100, width="100%"),
                    spacing="1",
                    width="100%",
                    id="usage-" + row.key,
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )  # fmt: skip
