"""«Exportar a Excel» for any page: request the export (counted by the plan), then follow its job
from a background event, keeping only the job id in state, until the download link is ready."""

import asyncio

import reflex as rx

from compraagil.db import session_scope
from compraagil.errors import QuotaExceeded
from compraagil.exports.service import Ticket, request_export
from compraagil_web.core_calls import describe
from compraagil_web.downloads import export_url
from compraagil_web.state import signed_in_user, to_login
from jobs import queues

POLL_SECONDS = 1.0
GIVE_UP_AFTER = 900
"""Seconds a page follows one export before it stops asking."""
FAILED_MESSAGE = "No pudimos generar el Excel. Intenta de nuevo en un momento."


def _request(user_id: int, company_id: int, kind: str, params: dict) -> Ticket:
    with session_scope() as session:
        return request_export(
            session=session,
            user_id=user_id,
            company_id=company_id,
            kind=kind,
            params=params,
            enqueue=queues.enqueue_export,
        )


class ExportMixin(rx.State, mixin=True):
    """A page state with an export: the page defines `_export_request()` → (kind, parameters)."""

    export_job: str = ""
    export_percent: int = 0
    export_state: str = ""
    export_error: str = ""
    export_upgrade: bool = False
    """The error is a used-up or missing quota (the page links to Planes)."""

    def _export_request(self) -> tuple[str, dict]:
        raise NotImplementedError

    @rx.var
    def export_href(self) -> str:
        return export_url(self.export_job) if self.export_state == queues.DONE else ""

    @rx.event
    async def start_export(self):
        """Ask for the export (the signed-in user's company), then follow its job."""
        user = await signed_in_user(self)
        if user is None:
            return to_login(self)
        kind, params = self._export_request()
        self.export_error, self.export_upgrade, self.export_percent = "", False, 0
        try:
            ticket = await asyncio.to_thread(_request, user.user_id, user.company_id, kind, params)
        except Exception as error:
            self.export_job, self.export_state = "", ""
            self.export_error = describe(error)[0]
            self.export_upgrade = isinstance(error, QuotaExceeded)
            return None
        self.export_job, self.export_state = ticket.id, queues.QUEUED
        return type(self).follow_export

    @rx.event(background=True)
    async def follow_export(self):
        """Poll the job's progress until it is over (or the page asks for another export)."""
        async with self:
            job_id = self.export_job
        for _ in range(int(GIVE_UP_AFTER / POLL_SECONDS)):
            await asyncio.sleep(POLL_SECONDS)
            progress = await asyncio.to_thread(queues.job_progress, job_id)
            async with self:
                if self.export_job != job_id:
                    return
                self.export_state, self.export_percent = progress.state, progress.percent
                if progress.over:
                    self.export_error = "" if progress.state == queues.DONE else FAILED_MESSAGE
                    return
        async with self:
            if self.export_job == job_id:
                self.export_state, self.export_error = queues.FAILED, FAILED_MESSAGE
