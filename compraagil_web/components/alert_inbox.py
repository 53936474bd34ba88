"""The Alertas page's inbox: each notice with its tender, closing and read state, and 👍/👎 on those
of a semantic alert."""

import reflex as rx

from compraagil_web.components.alert_rows import InboxRow


def _judge_buttons(state, row: InboxRow) -> rx.Component:
    return rx.cond(
        row.verdict != "",
        rx.badge(row.verdict, variant="surface", class_name="notice-verdict"),
        rx.hstack(
            rx.button("👍 Me sirve", size="1", variant="soft", on_click=state.judge(row.id, True), class_name="notice-useful"),
            rx.button("👎 No me sirve", size="1", variant="soft", color_scheme="gray", on_click=state.judge(row.id, False), class_name="notice-useless"),
            spacing="2",
        ),
    )  # fmt: skip


def _notice(state, row: InboxRow) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.text(row.heading, size="1", color_scheme="teal"),
                rx.link(row.tender_name, href=row.href, weight=rx.cond(row.read, "regular", "bold")),
                rx.text(row.organismo, " · ", row.amount, " · recibida ", row.received, size="1", color_scheme="gray"),
                spacing="1",
                flex="1",
                min_width="0",
            ),
            rx.vstack(
                rx.badge(row.closes, color_scheme=row.urgency, variant="soft"),
                rx.cond(~row.read, rx.button("Marcar leída", size="1", variant="ghost", on_click=state.mark_read(row.id))),
                rx.cond(row.learns, _judge_buttons(state, row)),
                align="end",
            ),
            width="100%",
            wrap="wrap",
        ),
        width="100%",
        class_name=rx.cond(row.read, "inbox-row", "inbox-row unread"),
    )  # fmt: skip


def inbox(state) -> rx.Component:
    """The inbox of `state` (the Alertas page's): newest notices, 👍/👎 on a semantic alert's."""
    return rx.vstack(
        rx.hstack(
            rx.heading("Bandeja", size="5"),
            rx.spacer(),
            rx.button("Marcar todas como leídas", size="1", variant="soft", on_click=state.mark_all_read),
            align="center",
            width="100%",
        ),
        rx.cond(state.feedback != "", rx.callout(state.feedback, icon="sparkles", size="1", id="inbox-feedback")),
        rx.foreach(state.inbox, lambda row: _notice(state, row)),
        rx.cond(
            state.inbox.length() == 0,
            rx.text("Nada nuevo por ahora: aquí verás cada Compra Ágil que encuentren tus alertas.", size="2", color_scheme="gray"),
        ),
        spacing="3",
        width="100%",
        id="bandeja",
    )  # fmt: skip
