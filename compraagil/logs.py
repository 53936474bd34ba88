"""Logging setup: one JSON object per line (or plain text for a person at a terminal)."""

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from compraagil.config import get_settings


def configure_logging(service: str) -> None:
    """Send every record to stderr, tagged with the service that wrote it."""
    settings = get_settings()
    handler = logging.StreamHandler(sys.stderr)
    if settings.log_json:
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"levelname": "level", "asctime": "time"},
                static_fields={"service": service},
            )
        )
    else:
        handler.setFormatter(logging.Formatter(f"%(asctime)s {service} %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
