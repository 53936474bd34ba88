"""Core calls from pages: run in a worker thread (never on Reflex's event loop), with a loading flag,
and any failure turned into a Spanish message for the page (the web door's one translation)."""

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from typing import TypeVar

import reflex as rx
from sqlalchemy.orm import Session

from compraagil import request_ids
from compraagil.db import is_statement_timeout, session_scope
from compraagil.errors import CompraAgilError, InvalidInput, NotFound, is_users_fault
from compraagil.metrics import PAGE_CALL_ERRORS, PAGE_CALL_SECONDS
from compraagil_web.event_metrics import current_event

log = logging.getLogger(__name__)

GENERIC_MESSAGE = "No pudimos cargar esta página. Intenta de nuevo en un momento."
TIMEOUT_MESSAGE = (
    "Esta consulta tardó demasiado y la detuvimos. Intenta de nuevo en un momento o acota la búsqueda."
)
T = TypeVar("T")


def describe(error: Exception) -> tuple[str, bool]:
    """What a page says about `error`, and whether trying again can help (logged unless it is ours)."""
    if isinstance(error, CompraAgilError):
        return error.message, not isinstance(error, NotFound | InvalidInput)
    if is_statement_timeout(error):
        log.warning("page query stopped at the statement timeout", exc_info=error)
        return TIMEOUT_MESSAGE, True
    log.error("page call failed", exc_info=error)
    return GENERIC_MESSAGE, True


def _error_kind(error: Exception) -> str:
    if is_users_fault(error):
        return "user"
    return "timeout" if is_statement_timeout(error) else "ours"


def _in_session(work: Callable[[Session], T]) -> T:
    with session_scope() as session:
        return work(session)


class CoreCalls(rx.State, mixin=True):
    """A page state's loading flag and error message; `_call` runs core work off the event loop.

    A load handler sets `loading` with `_start()`, yields (the page shows its skeleton), then awaits
    `_call(...)`: the result, or None with `error` set (and `loading` cleared either way)."""

    loading: bool = True
    error: str = ""
    retryable: bool = False

    def _start(self) -> None:
        self.loading, self.error = True, ""

    async def _call(self, work: Callable[[Session], T]) -> T | None:
        """`work(session)` in a worker thread with a session of its own (timed under the event's name)."""
        event, started = current_event.get(), time.perf_counter()
        try:
            with request_ids.bound(uuid.uuid4().hex):  # one id per page event, into its logs and jobs
                return await asyncio.to_thread(_in_session, work)
        except Exception as error:
            self.error, self.retryable = describe(error)
            PAGE_CALL_ERRORS.labels(event, _error_kind(error)).inc()
            return None
        finally:
            PAGE_CALL_SECONDS.labels(event).observe(time.perf_counter() - started)
            self.loading = False
