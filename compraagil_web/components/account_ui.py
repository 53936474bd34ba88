"""Pieces the account pages share: a narrow form card, messages, and the «Mejorar plan» callout."""

import reflex as rx

from compraagil_web import routes


def form_card(title: str, *children: rx.Component, **props) -> rx.Component:
    """A centred card for a short form (Entrar, Crear cuenta, Recuperar)."""
    return rx.center(
        rx.card(
            rx.vstack(rx.heading(title, size="6"), *children, spacing="4", width="100%"),
            width="100%",
            max_width="440px",
            size="3",
            **props,
        ),
        width="100%",
        padding_y="2em",
    )


def field(label: str, name: str, *, type: str = "text", **props) -> rx.Component:
    """A labelled input (the label names it for screen readers and tests)."""
    return rx.vstack(
        rx.el.label(rx.text(label, size="2", weight="medium"), html_for=name),
        rx.input(name=name, id=name, type=type, size="3", width="100%", **props),
        spacing="1",
        width="100%",
    )


def error_message(text, id: str = "form-error") -> rx.Component:
    """A red callout shown only when `text` is not empty."""
    return rx.cond(
        text != "", rx.callout(text, icon="triangle_alert", color_scheme="red", id=id, width="100%")
    )


def ok_message(text, id: str = "form-ok") -> rx.Component:
    """A green callout shown only when `text` is not empty."""
    return rx.cond(
        text != "", rx.callout(text, icon="circle_check", color_scheme="green", id=id, width="100%")
    )


def upgrade_callout(message) -> rx.Component:
    """The plan's limit was reached: what the next plan gives, and the way to it."""
    return rx.cond(
        message != "",
        rx.callout(
            rx.vstack(
                rx.text(message),
                rx.link(rx.button("Mejorar plan", size="2"), href=routes.PLANS, id="upgrade-link"),
                spacing="2",
                align="start",
            ),
            icon="gauge",
            color_scheme="amber",
            id="quota-exceeded",
            width="100%",
        ),
    )
