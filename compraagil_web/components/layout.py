"""The frame every page shares: header with the product name and navigation, then content."""

import reflex as rx

from compraagil_web import routes
from compraagil_web.state import AuthState


def _nav_link(label: str, href: str) -> rx.Component:
    return rx.link(label, href=href, size="3", weight="medium", color_scheme="gray", high_contrast=True)


def _account_links() -> rx.Component:
    """Entrar / Crear cuenta for visitors; Mis resultados, Cuenta, Admin (staff) and Salir once signed in."""
    return rx.cond(
        AuthState.signed_in,
        rx.hstack(
            _nav_link("Mis resultados", routes.RESULTS),
            _nav_link("Cuenta", routes.ACCOUNT),
            rx.cond(AuthState.is_staff, _nav_link("Admin", routes.ADMIN)),
            rx.button("Salir", on_click=AuthState.log_out, variant="soft", size="2", id="nav-logout"),
            spacing="4",
            align="center",
        ),
        rx.hstack(
            _nav_link("Entrar", routes.LOGIN),
            rx.link(rx.button("Crear cuenta", size="2"), href=routes.SIGNUP),
            spacing="4",
            align="center",
        ),
    )


def header() -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.link(
                rx.hstack(rx.icon("gavel", size=22), rx.heading("CompraAgil", size="5"), align="center"),
                href=routes.HOME,
                underline="none",
                color_scheme="teal",
            ),
            rx.spacer(),
            rx.hstack(
                *(_nav_link(label, href) for label, href in routes.NAVIGATION),
                _account_links(),
                spacing="4",
                wrap="wrap",
                align="center",
            ),
            align="center",
            wrap="wrap",
            spacing="3",
            max_width="1200px",
            margin_x="auto",
            padding_x="1em",
            padding_y="0.75em",
        ),
        as_="header",
        on_mount=AuthState.refresh,
        border_bottom="1px solid var(--gray-a5)",
        background_color="var(--color-panel-solid)",
        width="100%",
    )


def page(*children: rx.Component) -> rx.Component:
    """A page: the shared header, then the page's own content in a centred column."""
    return rx.box(
        header(),
        rx.box(
            *children,
            as_="main",
            max_width="1200px",
            margin_x="auto",
            padding="1em",
            width="100%",
        ),
        min_height="100vh",
    )
