"""Email addresses: normalised to lower case and checked for a plausible shape."""

import re

from compraagil.errors import InvalidInput

_SHAPE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def normalize_email(email: str) -> str:
    """The address lower-cased and trimmed; InvalidInput when it cannot be an address."""
    cleaned = (email or "").strip().lower()
    if len(cleaned) > 254 or not _SHAPE.match(cleaned):
        raise InvalidInput("Escribe un correo válido, por ejemplo nombre@empresa.cl.")
    return cleaned
