"""Request ids: the id of the web request (or page event) a piece of work started from, carried into
the jobs it enqueues and written on every log line meanwhile, so one user action can be followed
from the web app through the workers in the JSON logs."""

import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

HEADER = "X-Request-ID"
_ACCEPTED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_current: ContextVar[str | None] = ContextVar("request_id", default=None)


def current() -> str | None:
    return _current.get()


def from_header(value: str | None) -> str:
    """The caller's id when it looks like one (a proxy's), a new one otherwise."""
    return value if value and _ACCEPTED.match(value) else uuid.uuid4().hex


@contextmanager
def bound(request_id: str | None) -> Iterator[None]:
    """`request_id` is the current one inside the block."""
    token = _current.set(request_id)
    try:
        yield
    finally:
        _current.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record written while one is current."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = _current.get()
        if request_id and not hasattr(record, "request_id"):
            record.request_id = request_id
        return True
