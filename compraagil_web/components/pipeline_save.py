"""«Guardar en pipeline» on a tender's page: for signed-in users, saves it for their company."""

from urllib.parse import unquote

import reflex as rx

from compraagil.errors import QuotaExceeded
from compraagil.pipeline.logic import STATUS_LABELS
from compraagil.pipeline.service import item_for_tender, save_tender
from compraagil_web import routes
from compraagil_web.components.account_ui import upgrade_callout
from compraagil_web.core_calls import CoreCalls
from compraagil_web.state import AuthState, signed_in_user


def _save(codigo: str, user):
    """Save the tender; the plan's message instead when its cap is reached."""

    def run(session):
        try:
            return save_tender(
                session=session, user_id=user.user_id, company_id=user.company_id, codigo=codigo
            )
        except QuotaExceeded as error:
            return error.message

    return run


class PipelineSaveState(CoreCalls, rx.State):
    saved_as: str = ""
    """The status label it has in the company's pipeline; empty when not saved."""
    upgrade: str = ""

    def _codigo(self) -> str:
        return unquote(self.router.url.path.rstrip("/").rsplit("/", 1)[-1])

    @rx.event
    async def check(self):
        """Whether the company already follows this tender."""
        self.saved_as = self.upgrade = ""
        user = await signed_in_user(self)
        if user is None:
            return
        codigo = self._codigo()
        card = await self._call(
            lambda session: item_for_tender(
                session=session, user_id=user.user_id, company_id=user.company_id, codigo=codigo
            )
        )
        self.saved_as = STATUS_LABELS[card.status] if card else ""

    @rx.event
    async def save(self):
        user = await signed_in_user(self)
        if user is None:
            return
        saved = await self._call(_save(self._codigo(), user))
        if isinstance(saved, str):
            self.upgrade = saved
        elif saved is not None:
            self.saved_as = STATUS_LABELS[saved.status]


def save_button() -> rx.Component:
    """The button (or where it is saved), shown to signed-in users only."""
    return rx.cond(
        AuthState.signed_in,
        rx.vstack(
            rx.cond(
                PipelineSaveState.saved_as != "",
                rx.link(
                    rx.badge(
                        rx.icon("bookmark_check", size=14),
                        "En pipeline: ",
                        PipelineSaveState.saved_as,
                        size="2",
                    ),
                    href=routes.PIPELINE,
                    id="pipeline-saved",
                ),
                rx.button(
                    rx.icon("bookmark_plus", size=16),
                    "Guardar en pipeline",
                    on_click=PipelineSaveState.save,
                    size="2",
                    id="pipeline-save",
                ),
            ),
            rx.cond(
                PipelineSaveState.error != "", rx.text(PipelineSaveState.error, size="1", color_scheme="red")
            ),
            upgrade_callout(PipelineSaveState.upgrade),
            on_mount=PipelineSaveState.check,
            spacing="2",
            width="100%",
        ),
    )
