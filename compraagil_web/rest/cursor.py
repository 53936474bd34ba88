"""Opaque page cursors: a client passes back the `next_cursor` it was given, never a number it made."""

import base64
import json

from compraagil.errors import InvalidInput

BAD_CURSOR = "El cursor no es válido: usa el `next_cursor` de la respuesta anterior."


def encode(page: int, size: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([page, size]).encode()).decode().rstrip("=")


def decode(cursor: str) -> tuple[int, int]:
    """The page and page size a cursor stands for; InvalidInput for one we did not make."""
    try:
        page, size = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError):
        raise InvalidInput(BAD_CURSOR) from None
    if not (isinstance(page, int) and isinstance(size, int) and page >= 1 and 1 <= size <= 100):
        raise InvalidInput(BAD_CURSOR)
    return page, size
