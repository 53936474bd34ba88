"""Propuestas: the company's proposals (/propuestas) and one proposal (/propuestas/<id>): its text
shown as it is written, then edited into new versions, each downloadable as PDF or DOCX.

The company comes from the server-side session only; the URL says which proposal and version."""

import asyncio
import dataclasses
from urllib.parse import unquote

import reflex as rx

from compraagil.chile.dates import format_date, format_datetime
from compraagil.proposals.body import FORMAT_HELP
from compraagil.proposals.service import (
    FAILED,
    PENDING,
    ProposalView,
    get_proposal,
    list_proposals,
    save_version,
)
from compraagil_web import routes
from compraagil_web.components.error_state import error_state
from compraagil_web.components.layout import page
from compraagil_web.components.submit_button import submit_button
from compraagil_web.core_calls import CoreCalls
from compraagil_web.state import signed_in_user, to_login
from jobs import queues

POLL_SECONDS = 1.0
GIVE_UP_AFTER = 300
SOURCES = {"gemini": "escrita con Gemini", "plantilla": "escrita con la plantilla", "edicion": "editada"}
STATUSES = {"pendiente": "Redactando…", "lista": "Lista", "fallida": "No se pudo redactar"}
FAILED_MESSAGE = (
    "No pudimos redactar esta propuesta. Vuelve a pedirla desde la Compra Ágil; no se descontó de tu plan."
)


@dataclasses.dataclass
class ProposalRow:
    title: str
    codigo: str
    created: str
    status: str
    version: str
    href: str


@dataclasses.dataclass
class VersionRow:
    label: str
    href: str
    shown: bool


def _row(view: ProposalView) -> ProposalRow:
    return ProposalRow(
        title=view.title, codigo=view.tender_codigo, created=format_date(view.created_at),
        status=STATUSES[view.status], version=f"v{view.version}" if view.version else "—",
        href=routes.proposal_url(view.id),
    )  # fmt: skip


class ProposalsState(CoreCalls, rx.State):
    rows: list[ProposalRow] = []

    @rx.event
    async def load(self):
        user = await signed_in_user(self)
        if user is None:
            yield to_login(self)
            return
        self._start()
        yield
        found = await self._call(lambda session: list_proposals(session=session, company_id=user.company_id))
        if found is not None:
            self.rows = [_row(view) for view in found]


class ProposalState(CoreCalls, rx.State):
    proposal_id: str = ""
    title: str = ""
    codigo: str = ""
    status: str = ""
    note: str = ""
    version: int = 0
    body: str = ""
    draft: str = ""
    percent: int = 0
    versions: list[VersionRow] = []
    saved: str = ""
    save_error: str = ""

    @rx.var
    def tender_href(self) -> str:
        return routes.tender_url(self.codigo) if self.codigo else ""

    @rx.var
    def pdf_href(self) -> str:
        return routes.proposal_document_url(self.proposal_id, self.version, "pdf") if self.version else ""

    @rx.var
    def docx_href(self) -> str:
        return routes.proposal_document_url(self.proposal_id, self.version, "docx") if self.version else ""

    def _show(self, view: ProposalView) -> None:
        self.title, self.codigo, self.status, self.note = (
            view.title,
            view.tender_codigo,
            view.status,
            view.note or "",
        )
        self.version, self.body = view.version or 0, view.body
        self.versions = [
            VersionRow(
                f"v{v.version} · {SOURCES[v.source]} · {format_datetime(v.created_at)}",
                routes.proposal_url(view.id, v.version),
                v.version == view.version,
            )
            for v in view.versions
        ]

    @rx.event
    async def load(self):
        user = await signed_in_user(self)
        if user is None:
            yield to_login(self)
            return
        self.proposal_id = ""
        asked = unquote(self.router.url.path.rstrip("/").rsplit("/", 1)[-1])
        wanted = self.router.url.query_parameters.get("version", "")
        version = int(wanted) if wanted.isdigit() else None
        self.saved, self.save_error, self.draft, self.percent = "", "", "", 0
        self._start()
        yield
        found = await self._call(
            lambda session: get_proposal(
                session=session, company_id=user.company_id, proposal_id=asked, version=version
            )
        )
        if found is None:
            return
        self.proposal_id = found.id  # only a proposal of this company is followed or saved
        self._show(found)
        if found.status == PENDING:
            yield ProposalState.follow

    @rx.event(background=True)
    async def follow(self):
        """Show the job's progress and the text written so far, then the saved proposal."""
        async with self:
            proposal_id = self.proposal_id
        for _ in range(int(GIVE_UP_AFTER / POLL_SECONDS)):
            await asyncio.sleep(POLL_SECONDS)
            progress = await asyncio.to_thread(queues.job_progress, proposal_id)
            draft = await asyncio.to_thread(queues.job_draft, proposal_id)
            async with self:
                if self.proposal_id != proposal_id:
                    return
                self.percent, self.draft = progress.percent, draft
                if progress.over:
                    if progress.state == queues.DONE:
                        return ProposalState.load
                    self.status = FAILED  # its failure callback (or the stale sweep) records it
                    return None
        async with self:
            if self.proposal_id == proposal_id:
                self.error = FAILED_MESSAGE

    @rx.event
    async def save(self, form: dict):
        user = await signed_in_user(self)
        if user is None:
            return to_login(self)
        text = str(form.get("body", ""))
        self.saved, self.save_error = "", ""
        saved = await self._call(
            lambda session: save_version(
                session=session, user_id=user.user_id, company_id=user.company_id,
                proposal_id=self.proposal_id, body=text,
            )
        )  # fmt: skip
        if saved is None:
            self.save_error, self.error = self.error, ""
            return None
        self.saved = f"Guardada como v{saved}."
        return rx.redirect(routes.proposal_url(self.proposal_id, saved))


def _list() -> rx.Component:
    return rx.cond(
        ProposalsState.rows.length() > 0,
        rx.vstack(
            rx.foreach(
                ProposalsState.rows,
                lambda row: rx.card(
                    rx.hstack(
                        rx.vstack(
                            rx.link(row.title, href=row.href, weight="medium", class_name="proposal-link"),
                            rx.text(row.codigo, " · ", row.created, size="1", color_scheme="gray"),
                            spacing="0",
                        ),
                        rx.spacer(),
                        rx.badge(row.status),
                        rx.text(row.version, size="2"),
                        align="center",
                        width="100%",
                    ),
                    width="100%",
                ),
            ),
            width="100%",
            id="proposal-list",
        ),
        rx.callout(
            "Aún no tienes propuestas. Abre una Compra Ágil y usa «Redactar propuesta».",
            icon="info",
            id="proposals-empty",
        ),
    )


@rx.page(route=routes.PROPOSALS, title="Propuestas · CompraAgil", on_load=ProposalsState.load)
def proposals_page() -> rx.Component:
    return page(
        rx.vstack(
            rx.heading("Propuestas", size="6"),
            rx.cond(
                ProposalsState.loading,
                rx.skeleton(rx.box(height="120px"), width="100%"),
                rx.cond(
                    ProposalsState.error != "", error_state(ProposalsState, ProposalsState.load), _list()
                ),
            ),
            spacing="4",
            width="100%",
            padding_y="1em",
        )
    )


def _writing() -> rx.Component:
    return rx.vstack(
        rx.text("Redactando la propuesta…", size="2", id="proposal-writing"),
        rx.progress(value=ProposalState.percent, max=100, width="100%"),
        rx.cond(
            ProposalState.draft != "",
            rx.text(ProposalState.draft, size="2", white_space="pre-wrap", id="proposal-draft"),
        ),
        width="100%",
        spacing="2",
    )


def _downloads() -> rx.Component:
    def link(label: str, href: rx.Var, id: str) -> rx.Component:
        return rx.el.a(
            rx.icon("download", size=16), label, href=href, download=True,
            custom_attrs={"reloadDocument": True}, id=id,
            style={"display": "flex", "align_items": "center", "gap": "0.3em"},
        )  # fmt: skip

    return rx.hstack(
        link("Descargar PDF", ProposalState.pdf_href, "proposal-pdf"),
        link("Descargar Word (DOCX)", ProposalState.docx_href, "proposal-docx"),
        spacing="4",
        wrap="wrap",
    )


def _editor() -> rx.Component:
    return rx.vstack(
        rx.cond(ProposalState.note != "", rx.callout(ProposalState.note, icon="info", size="1")),
        _downloads(),
        rx.form(
            rx.vstack(
                rx.text_area(
                    name="body", default_value=ProposalState.body, key=ProposalState.version,
                    rows="24", width="100%", id="proposal-body", font_family="monospace",
                ),
                rx.text("Formato: ", FORMAT_HELP, size="1", color_scheme="gray"),
                rx.hstack(
                    submit_button("Guardar nueva versión", id="proposal-save"),
                    rx.text(ProposalState.saved, size="2", color_scheme="green", id="proposal-saved"),
                    rx.text(ProposalState.save_error, size="2", color_scheme="red", id="proposal-save-error"),
                    align="center",
                    spacing="3",
                ),
                width="100%",
                spacing="2",
            ),
            on_submit=ProposalState.save,
            width="100%",
        ),
        rx.text("Versiones", size="3", weight="medium"),
        rx.vstack(
            rx.foreach(
                ProposalState.versions,
                lambda v: rx.link(v.label, href=v.href, weight=rx.cond(v.shown, "bold", "regular"), size="2", class_name="proposal-version"),
            ),
            spacing="1",
            id="proposal-versions",
        ),
        width="100%",
        spacing="3",
    )  # fmt: skip


@rx.page(route=routes.PROPOSAL, title="Propuesta · CompraAgil", on_load=ProposalState.load)
def proposal_page() -> rx.Component:
    return page(
        rx.vstack(
            rx.link("← Propuestas", href=routes.PROPOSALS, size="2"),
            rx.heading(ProposalState.title, size="6", id="proposal-title"),
            rx.link(ProposalState.codigo, href=ProposalState.tender_href, size="2", color_scheme="gray"),
            rx.cond(
                ProposalState.loading,
                rx.skeleton(rx.box(height="240px"), width="100%"),
                rx.cond(
                    ProposalState.error != "",
                    error_state(ProposalState, ProposalState.load),
                    rx.match(
                        ProposalState.status,
                        (PENDING, _writing()),
                        (
                            FAILED,
                            rx.callout(
                                FAILED_MESSAGE,
                                icon="triangle_alert",
                                color_scheme="red",
                                id="proposal-failed",
                            ),
                        ),
                        _editor(),
                    ),
                ),
            ),
            spacing="3",
            width="100%",
            padding_y="1em",
        )
    )
