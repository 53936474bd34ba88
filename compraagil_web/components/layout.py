"""The frame every page shares: header with the product name and navigation, then content."""

import reflex as rx

from compraagil.alerts.service import unread_count
from compraagil_web import routes
from compraagil_web.core_calls import CoreCalls
from compraagil_web.state import AuthState, signed_in_user


def _nav_link(label: str, href: str) -> rx.Component:
    return rx.link(label, href=href, size="3", weight="medium", color_scheme="gray", high_contrast=True)


class BellState(CoreCalls, rx.State):
    """The signed-in user's unread alerts, for the bell in the header."""

    unread: int = 0

    @rx.event
    async def refresh(self):
        user = await signed_in_user(self)
        if user is None:
            self.unread = 0
            return
        count = await self._call(lambda session: unread_count(session=session, user_id=user.user_id))
        self.unread = count or 0


def bell() -> rx.Component:
    """A bell linking to the inbox, with the unread count when there is one."""
    return rx.link(
        rx.box(
            rx.icon("bell", size=20),
            rx.cond(
                BellState.unread > 0,
                rx.badge(
                    BellState.unread,
                    color_scheme="red",
                    variant="solid",
                    radius="full",
                    size="1",
                    position="absolute",
                    top="-8px",
                    right="-10px",
                    id="bell-count",
                ),
            ),
            position="relative",
            display="inline-flex",
        ),
        href=f"{routes.ALERTS}#bandeja",
        color_scheme="gray",
        high_contrast=True,
        title="Bandeja de alertas",
        on_mount=BellState.refresh,
        id="nav-bell",
    )


def _account_links() -> rx.Component:
    """Entrar / Crear cuenta for visitors; the bell, Pipeline, Mis resultados, Propuestas, Cuenta, Admin (staff) and Salir once signed in."""
    return rx.cond(
        AuthState.signed_in,
        rx.hstack(
            bell(),
            _nav_link("Pipeline", routes.PIPELINE),
            _nav_link("Mis resultados", routes.RESULTS),
            _nav_link("Propuestas", routes.PROPOSALS),
            _nav_link("Cuenta", routes.ACCOUNT),
            rx.cond(AuthState.is_staff, _nav_link("Admin", routes.ADMIN)),
            rx.button("Salir", on_click=AuthState.log_out, variant="soft", size="2", id="nav-logout"),
            spacing="4",
            align="center",
            wrap="wrap",
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
