"""Cuenta's «API» card: make a key (shown once), the company's keys with their last use, revoke."""

import reflex as rx

from compraagil_web.api_keys_state import ApiKeysState, KeyRow
from compraagil_web.components.account_ui import error_message, field, ok_message, upgrade_callout
from compraagil_web.components.submit_button import submit_button


def _key_row(key: KeyRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(key.name, weight="medium"), rx.code(key.prefix, size="1")),
        rx.table.cell(rx.text(key.created, size="1"), rx.text("Último uso: ", key.last_used, size="1", color_scheme="gray")),
        rx.table.cell(
            rx.cond(
                key.active,
                rx.button("Revocar", size="1", variant="outline", color_scheme="red", on_click=ApiKeysState.revoke(key.id), class_name="api-key-revoke"),
                rx.badge("Revocada", color_scheme="gray"),
            )
        ),
        class_name="api-key-row",
    )  # fmt: skip


def _new_secret() -> rx.Component:
    return rx.callout(
        rx.vstack(
            rx.text("Copia tu clave ahora: no la volveremos a mostrar.", weight="medium"),
            rx.code(ApiKeysState.new_secret, id="api-key-secret", style={"word_break": "break-all"}),
            rx.button(rx.icon("copy", size=14), "Copiar", size="1", variant="soft", on_click=rx.set_clipboard(ApiKeysState.new_secret)),
            spacing="2",
        ),
        icon="key_round",
        color_scheme="green",
        width="100%",
    )  # fmt: skip


def api_keys_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.heading("API", size="4"), rx.spacer(), rx.link("Documentación", href="/api/", is_external=True, size="2")),
            rx.cond(
                ApiKeysState.included,
                rx.vstack(
                    rx.text("Usa CompraAgil desde tus sistemas con una clave en «Authorization: Bearer».", size="2"),
                    rx.form(
                        rx.hstack(
                            rx.box(field("Nombre de la clave", "key_name", placeholder="ERP, planilla…", max_length=60), flex="1"),
                            submit_button("Crear clave", id="api-key-create"),
                            align="end",
                            width="100%",
                        ),
                        on_submit=ApiKeysState.create,
                        reset_on_submit=True,
                        width="100%",
                    ),
                    rx.cond(ApiKeysState.new_secret != "", _new_secret()),
                    rx.cond(
                        ApiKeysState.keys.length() > 0,
                        rx.table.root(rx.table.body(rx.foreach(ApiKeysState.keys, _key_row)), size="1", width="100%"),
                    ),
                    spacing="3",
                    width="100%",
                ),
                upgrade_callout(ApiKeysState.upgrade_message),
            ),
            error_message(ApiKeysState.error, id="api-key-error"),
            ok_message(ApiKeysState.notice, id="api-key-notice"),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="api-card",
    )  # fmt: skip
