"""Pipeline cards: one saved tender, as the board and the list show it, with its edit form."""

import dataclasses
from datetime import date, datetime

import reflex as rx

from compraagil.chile.dates import closing_label, format_date
from compraagil.chile.money import format_clp
from compraagil.pipeline.logic import STATUS_LABELS, STATUSES, reminder_due
from compraagil.pipeline.service import Card
from compraagil_web import routes
from compraagil_web.components.submit_button import submit_button


@dataclasses.dataclass
class CardRow:
    id: int = 0
    codigo: str = ""
    href: str = ""
    name: str = ""
    organismo: str = ""
    closes_label: str = ""
    urgency: str = "gray"
    status: str = ""
    status_label: str = ""
    outcome_note: str = ""
    amount: str = ""
    amount_input: str = ""
    notes: str = ""
    remind_on: str = ""
    reminder: str = ""
    reminder_due: bool = False


def card_row(card: Card, now: datetime, today: date) -> CardRow:
    """What a card shows, formatted for people."""
    label, urgency = closing_label(card.closes_at, now)
    return CardRow(
        id=card.id,
        codigo=card.codigo,
        href=routes.tender_url(card.codigo),
        name=card.name,
        organismo=card.organismo,
        closes_label=label,
        urgency=urgency,
        status=card.status,
        status_label=STATUS_LABELS[card.status],
        outcome_note=card.outcome_note,
        amount=f"Mi cotización: {format_clp(card.quoted_amount)}" if card.quoted_amount is not None else "",
        amount_input=str(card.quoted_amount) if card.quoted_amount is not None else "",
        notes=card.notes,
        remind_on=card.remind_on.isoformat() if card.remind_on else "",
        reminder=f"Recordatorio: {format_date(card.remind_on)}" if card.remind_on else "",
        reminder_due=reminder_due(card.remind_on, today),
    )


SELECT_STYLE = {"padding": "0.35em", "border_radius": "6px", "border": "1px solid var(--gray-a7)"}


def status_select(row: CardRow, on_move) -> rx.Component:
    """Move the card: `on_move(item_id, status)`."""
    return rx.el.select(
        *(rx.el.option(STATUS_LABELS[s], value=s) for s in STATUSES),
        value=row.status,
        on_change=lambda status: on_move(row.id, status),
        aria_label="Mover a",
        class_name="pipeline-move",
        style=SELECT_STYLE,
    )


def edit_form(row: CardRow, on_save, on_cancel) -> rx.Component:
    """Amount quoted, notes and reminder date; `on_save(form_data)` (with the item's id)."""
    return rx.form(
        rx.vstack(
            rx.el.input(type="hidden", name="item_id", value=row.id),
            rx.input(name="amount", placeholder="Monto cotizado (CLP)", default_value=row.amount_input, width="100%"),
            rx.text_area(name="notes", placeholder="Notas", default_value=row.notes, width="100%"),
            rx.el.label(rx.text("Recordarme el", size="1", color_scheme="gray")),
            rx.input(name="remind_on", type="date", default_value=row.remind_on, width="100%"),
            rx.hstack(
                submit_button("Guardar cambios", size="2", class_name="pipeline-save-edit"),
                rx.button("Cancelar", type="button", variant="soft", size="2", on_click=on_cancel),
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=on_save,
        reset_on_submit=False,
        width="100%",
    )  # fmt: skip


def pipeline_card(row: CardRow, *, editing, on_move, on_edit, on_save, on_cancel, on_remove) -> rx.Component:
    """One saved tender: name (to its page), organismo, countdown, status, notes; edit in place."""
    return rx.card(
        rx.vstack(
            rx.link(row.name, href=row.href, weight="medium", size="2", class_name="pipeline-card-name"),
            rx.text(row.organismo, size="1", color_scheme="gray"),
            rx.hstack(
                rx.badge(row.closes_label, color_scheme=row.urgency),
                rx.badge(row.status_label, variant="surface", class_name="pipeline-card-status"),
                wrap="wrap",
            ),
            rx.cond(row.outcome_note != "", rx.text(row.outcome_note, size="1", color_scheme="teal")),
            rx.cond(row.amount != "", rx.text(row.amount, size="2")),
            rx.cond(row.notes != "", rx.text(row.notes, size="1", white_space="pre-wrap")),
            rx.cond(
                row.reminder != "",
                rx.text(row.reminder, size="1", color_scheme=rx.cond(row.reminder_due, "red", "gray")),
            ),
            rx.cond(
                editing == row.id,
                edit_form(row, on_save, on_cancel),
                rx.hstack(
                    status_select(row, on_move),
                    rx.button("Editar", size="1", variant="soft", on_click=on_edit(row.id)),
                    rx.icon_button(
                        rx.icon("trash_2", size=14),
                        size="1",
                        variant="ghost",
                        color_scheme="red",
                        aria_label="Quitar del pipeline",
                        on_click=on_remove(row.id),
                    ),
                    wrap="wrap",
                    align="center",
                ),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="pipeline-card",
        data_codigo=row.codigo,
    )
