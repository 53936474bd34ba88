"""Cuenta's «Suscripción y boletas» card."""

import reflex as rx

from compraagil_web import routes
from compraagil_web.billing_state import BillingState, DocumentRow
from compraagil_web.components.account_ui import error_message, field, ok_message
from compraagil_web.components.submit_button import submit_button


def _document(row: DocumentRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.label, size="2")),
        rx.table.cell(rx.text(row.date, size="2")),
        rx.table.cell(rx.text(row.total, size="2")),
        rx.table.cell(rx.link(rx.icon("file_down", size=14), " PDF", href=row.href, is_external=True, class_name="invoice-pdf")),
        class_name="invoice-row",
    )  # fmt: skip


def _renewal(is_owner) -> rx.Component:
    return rx.cond(
        BillingState.subscribed & is_owner,
        rx.cond(
            BillingState.cancel_at_period_end,
            rx.button("Reanudar renovación", on_click=BillingState.set_renewal(False), variant="soft", id="renewal-resume"),
            rx.button("Cancelar renovación", on_click=BillingState.set_renewal(True), variant="outline", color_scheme="red", id="renewal-cancel"),
        ),
        rx.cond(~BillingState.subscribed, rx.link(rx.button("Ver planes y pagar"), href=routes.PLANS)),
    )  # fmt: skip


def _billing_form(is_owner) -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text("Con RUT y razón social (Tu empresa), giro y dirección emitimos factura; si falta alguno, boleta.", size="1", color_scheme="gray"),
            field("Giro", "billing_giro", default_value=BillingState.giro, disabled=~is_owner),
            field("Dirección de facturación", "billing_address", default_value=BillingState.address, disabled=~is_owner),
            rx.cond(is_owner, submit_button("Guardar datos de facturación", variant="soft", id="billing-submit")),
            spacing="2",
            width="100%",
        ),
        on_submit=BillingState.save_billing,
        width="100%",
    )  # fmt: skip


def billing_card(is_owner) -> rx.Component:
    """`is_owner`: the page's var saying whether the signed-in user owns the company."""
    return rx.card(
        rx.vstack(
            rx.heading("Suscripción y boletas", size="4"),
            rx.text(BillingState.status_text, size="2", id="subscription-status"),
            _renewal(is_owner),
            error_message(BillingState.error, id="billing-error"),
            ok_message(BillingState.notice, id="billing-notice"),
            rx.cond(
                BillingState.documents.length() > 0,
                rx.table.root(
                    rx.table.body(rx.foreach(BillingState.documents, _document)), size="1", width="100%"
                ),
            ),
            _billing_form(is_owner),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="billing-card",
    )
