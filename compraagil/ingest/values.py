"""Field values as ChileCompra writes them: comma decimals, `NA`, three date forms, `si`/`no`.

Each parser returns the value in the form PostgreSQL's COPY reads (text), or raises BadValue with a
reason a person understands. Values that repeat (dates, RUTs, regions, states) are cached.
"""

import re
import unicodedata
from datetime import date
from functools import lru_cache

from compraagil.chile.regions import region_number
from compraagil.chile.rut import InvalidRut, parse_rut

MISSING = frozenset({"", "NA", "N/A", "na"})
SENTINEL_DATE = date(1900, 1, 1)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?")
_DMY = re.compile(r"(\d{1,2})[-/](\d{1,2})[-/](\d{4})(?: .*)?")
_SPACES = re.compile(r"\s+")


class BadValue(ValueError):
    """A field that cannot be read; the message is the reason shown to people."""


def number(text: str, column: str) -> str | None:
    """`1234,5` / `1.234,5` / `1234` → `1234.5`; `NA` or empty → None."""
    if text.isdigit():
        return text
    original = text.strip()
    if original in MISSING:
        return None
    text = original.replace(".", "").replace(",", ".") if "," in original else original
    if _NUMBER.fullmatch(text):
        return text
    raise BadValue(f"{column} no es un número: «{original}»")


@lru_cache(maxsize=4096)
def parse_day(text: str) -> date | None:
    """`2026-03-05`, `05-03-2026` or `05/03/2026` (a time after it is ignored); `NA`, empty or the
    `1900-01-01` placeholder → None; anything else raises BadValue."""
    text = text.strip()
    if text in MISSING:
        return None
    if match := _ISO.fullmatch(text):
        year, month, day = match.groups()
    elif match := _DMY.fullmatch(text):
        day, month, year = match.groups()
    else:
        raise BadValue(f"«{text}» no es una fecha")
    try:
        value = date(int(year), int(month), int(day))
    except ValueError:
        raise BadValue(f"«{text}» no es una fecha válida") from None
    return None if value == SENTINEL_DATE else value


def day(text: str, column: str) -> date | None:
    """parse_day with the column named in the error."""
    try:
        return parse_day(text)
    except BadValue as error:
        raise BadValue(f"{column}: {error}") from None


_FLAGS = {
    "si": True,
    "sí": True,
    "s": True,
    "1": True,
    "true": True,
    "no": False,
    "n": False,
    "0": False,
    "false": False,
}


def flag(text: str, column: str) -> bool:
    """`si`/`no` (any case, `1`/`0` too); empty or `NA` count as no."""
    cleaned = text.strip().casefold()
    if cleaned in _FLAGS:
        return _FLAGS[cleaned]
    if cleaned in {"", "na", "n/a"}:
        return False
    raise BadValue(f"{column} debe ser «si» o «no», no «{text.strip()}»")


@lru_cache(maxsize=65536)
def rut(text: str) -> str:
    """A supplier or buyer RUT in compact form `76123456-7`; raises BadValue when invalid."""
    try:
        return parse_rut(text).compact
    except InvalidRut as error:
        raise BadValue(f"RUT inválido: {error}") from None


@lru_cache(maxsize=256)
def region(text: str) -> int | None:
    """Region number 1..16 from the name as written (trailing spaces and accents tolerated)."""
    text = text.strip()
    if text in MISSING:
        return None
    if text.isdigit() and 1 <= int(text) <= 16:
        return int(text)
    return region_number(text)


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: the form we compare names in."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip()


@lru_cache(maxsize=256)
def state(text: str) -> str | None:
    """`Proveedor seleccionado` → `proveedor_seleccionado`; `NA` → None."""
    text = text.strip()
    if text in MISSING:
        return None
    return fold(text).replace(" ", "_")


@lru_cache(maxsize=16)
def size(text: str) -> str | None:
    """`MiPyme` or `Grande` as written; `NA` → None."""
    text = text.strip()
    return None if text in MISSING else text


PRODUCT_NAME_MAX = 300


@lru_cache(maxsize=262144)
def product_name(text: str) -> str:
    """The dictionary form of a quoted product's name: lower case, single spaces, bounded length."""
    return _SPACES.sub(" ", text.casefold()).strip(" .,;:-")[:PRODUCT_NAME_MAX]


def text_or_none(text: str) -> str | None:
    """Trimmed text; `NA`, empty or a stray `1900-01-01` placeholder → None."""
    text = text.strip()
    return None if text in MISSING or text == "1900-01-01" else text
