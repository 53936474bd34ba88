"""Pages whose features have not landed yet: each says so, in the shared frame."""

import reflex as rx

from compraagil_web import routes
from compraagil_web.components.layout import page

UPCOMING: tuple[tuple[str, str, str], ...] = ()


def _upcoming(title: str, description: str) -> rx.Component:
    return page(
        rx.vstack(
            rx.heading(title, size="7"),
            rx.badge("Pronto", color_scheme="amber", size="2"),
            rx.text(description, size="3", color_scheme="gray"),
            rx.link("Volver al inicio", href=routes.HOME),
            spacing="3",
            padding_y="1.5em",
        )
    )


def register(app: rx.App) -> None:
    """Add one placeholder page per upcoming feature."""
    for route, title, description in UPCOMING:
        app.add_page(
            lambda title=title, description=description: _upcoming(title, description),
            route=route,
            title=f"{title} · CompraAgil",
        )
