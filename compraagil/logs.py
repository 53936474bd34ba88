"""Logging setup: one JSON object per line in production; readable lines (with the same fields as
`key=value`) for a person at `make run`; the current request id on every line (compraagil/request_ids.py)."""

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from compraagil.config import get_settings
from compraagil.request_ids import RequestIdFilter


def configure_logging(service: str) -> None:
    """Send every record to stderr, tagged with the service that wrote it."""
    settings = get_settings()
    handler = logging.StreamHandler(sys.stderr)
    if settings.log_json if settings.log_json is not None else settings.app_env == "production":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"levelname": "level", "asctime": "time"},
                static_fields={"service": service},
            )
        )
    else:
        handler.setFormatter(
            PlainFormatter(f"%(asctime)s {service:<9} %(levelname)-7s %(message)s", "%H:%M:%S")
        )
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    for chatty in ("alembic.runtime.migration", "alembic.runtime.plugins"):
        logging.getLogger(chatty).addFilter(_AlembicSetupNoise())


class _AlembicSetupNoise(logging.Filter):
    """Alembic's setup lines («Context impl …», «Will assume …», «setup plugin …») say nothing to a
    person; the migrations it runs («Running upgrade …») still show."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage().startswith("Running ")


STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class PlainFormatter(logging.Formatter):
    """The message, then the record's own fields (`extra=`) as `key=value`."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = [f"{key}={value}" for key, value in vars(record).items() if key not in STANDARD]
        return f"{line}  {' '.join(extras)}" if extras else line
