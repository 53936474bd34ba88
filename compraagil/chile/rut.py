"""RUT (Rol Único Tributario): parse, validate with its modulo-11 check digit, format."""

import re
from dataclasses import dataclass

from compraagil.errors import InvalidInput

_CLEAN = re.compile(r"[.\s]")
_SHAPE = re.compile(r"^(\d{1,9})-?([\dK])$")


class InvalidRut(InvalidInput):
    """The text is not a RUT, or its check digit is wrong."""


def check_digit(body: int) -> str:
    """The modulo-11 check digit ('0'-'9' or 'K') for a RUT body."""
    total, factor = 0, 2
    while body:
        total += (body % 10) * factor
        body //= 10
        factor = 2 if factor == 7 else factor + 1
    remainder = 11 - total % 11
    return {11: "0", 10: "K"}.get(remainder, str(remainder))


@dataclass(frozen=True, order=True)
class Rut:
    """A valid RUT: its number and check digit."""

    body: int
    dv: str

    def __str__(self) -> str:
        return format_rut(self)

    @property
    def compact(self) -> str:
        """The canonical storage form, `76123456-7`."""
        return f"{self.body}-{self.dv}"


def parse_rut(text: str) -> Rut:
    """Parse `12.345.678-5`, `12345678-5` or `123456785` (any case); raise InvalidRut if wrong."""
    cleaned = _CLEAN.sub("", str(text)).upper()
    match = _SHAPE.match(cleaned)
    if not match:
        raise InvalidRut(f"«{text}» no es un RUT")
    body, dv = int(match.group(1)), match.group(2)
    if body == 0:
        raise InvalidRut(f"«{text}» no es un RUT")
    if check_digit(body) != dv:
        raise InvalidRut(f"El dígito verificador de «{text}» no corresponde")
    return Rut(body, dv)


def is_valid_rut(text: str) -> bool:
    """Whether `text` is a RUT with a correct check digit."""
    try:
        parse_rut(text)
    except InvalidRut:
        return False
    return True


def format_rut(rut: Rut) -> str:
    """The display form with thousands dots: `76.123.456-7`."""
    return f"{rut.body:,}".replace(",", ".") + f"-{rut.dv}"
