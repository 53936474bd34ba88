"""A page that could not load: what happened, in Spanish, and the next step."""

import reflex as rx

from compraagil_web import routes


def error_state(state, on_retry) -> rx.Component:
    """`state` is a CoreCalls state; «Reintentar» runs `on_retry` when trying again can help,
    otherwise (nothing found, invalid input) the way out is a new search."""
    return rx.card(
        rx.hstack(
            rx.cond(
                state.retryable,
                rx.icon("cloud_off", size=28, color="var(--red-9)"),
                rx.icon("search_x", size=28, color="var(--amber-9)"),
            ),
            rx.vstack(
                rx.text(state.error, size="3", weight="medium", id="page-error-message"),
                rx.cond(
                    state.retryable,
                    rx.button(
                        rx.icon("rotate_cw", size=16), "Reintentar", on_click=on_retry, id="page-retry"
                    ),
                    rx.link("Ir a Buscar", href=routes.SEARCH),
                ),
                spacing="3",
                align="start",
            ),
            spacing="4",
            align="start",
        ),
        width="100%",
        id="page-error",
    )
