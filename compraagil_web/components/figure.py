"""A labelled figure in a card, as the home page and the profiles show their key numbers."""

import reflex as rx


def figure_card(
    label: str, value: rx.Var, test_id: str, *, size: str = "5", loading: rx.Var | None = None
) -> rx.Component:
    """`value` under `label`; with `loading`, a skeleton stands in until the value is known."""
    heading = rx.heading(value, size=size, id=test_id)
    return rx.card(
        rx.vstack(
            rx.text(label, size="2", color_scheme="gray"),
            heading if loading is None else rx.skeleton(heading, loading=loading),
            spacing="1",
        ),
        width="100%",
    )
