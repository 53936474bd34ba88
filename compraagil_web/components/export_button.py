"""The «Exportar a Excel» button, its progress bar and the download link (state: ExportMixin)."""

import reflex as rx

from compraagil_web import routes
from jobs.queues import QUEUED, RUNNING


def export_controls(state, id_prefix: str) -> rx.Component:
    """The button, then the job's progress, then «Descargar Excel»; a refusal in words, with Planes.

    Reflex renders anchors as React Router links, which navigate inside the app: `reloadDocument`
    makes the browser request the file itself (and save it, as the route answers an attachment)."""
    working = (state.export_state == QUEUED) | (state.export_state == RUNNING)
    return rx.vstack(
        rx.hstack(
            rx.button(
                rx.icon("file-spreadsheet", size=16),
                "Exportar a Excel",
                on_click=state.start_export,
                loading=working,
                variant="soft",
                id=f"{id_prefix}-export",
            ),
            rx.cond(
                state.export_href != "",
                rx.el.a(
                    rx.icon("download", size=16),
                    "Descargar Excel",
                    href=state.export_href,
                    download=True,
                    custom_attrs={"reloadDocument": True},
                    id=f"{id_prefix}-export-download",
                    style={"display": "flex", "align_items": "center", "gap": "0.3em"},
                ),
            ),
            align="center",
            spacing="3",
        ),
        rx.cond(
            working,
            rx.progress(value=state.export_percent, max=100, width="12em", id=f"{id_prefix}-export-progress"),
        ),
        rx.cond(
            state.export_error != "",
            rx.text(
                state.export_error,
                rx.cond(state.export_upgrade, rx.link(" Ver planes", href=routes.PLANS)),
                size="2",
                color_scheme="red",
                id=f"{id_prefix}-export-error",
            ),
        ),
        spacing="1",
        align="end",
    )
