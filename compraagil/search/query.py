"""What a search asks for, validated: bad input gets a clear message in Spanish, never a 500."""

from datetime import date
from enum import StrEnum
from typing import TypeVar

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from compraagil.errors import InvalidInput

ModelT = TypeVar("ModelT", bound=BaseModel)

MAX_QUERY_LENGTH = 200
PAGE_SIZE = 20
MAX_PAGE = 500
MAX_ID = 2_147_483_647
"""The largest row id (PostgreSQL integer)."""


class Sort(StrEnum):
    RELEVANCE = "relevancia"
    CLOSING = "cierre"
    AMOUNT = "monto"


def _clean(value: str) -> str:
    """`value` with NUL characters (which PostgreSQL refuses in text) and extra spaces gone."""
    return " ".join(value.replace("\x00", " ").split())


class SearchQuery(BaseModel):
    """A tender search; every field optional except what defaults."""

    text: str = ""
    open_only: bool = False
    states: list[str] = Field(default_factory=list)
    region: int | None = Field(default=None, ge=1, le=16)
    buyer_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    organismo: str = Field(default="", max_length=MAX_QUERY_LENGTH)
    min_amount: int | None = Field(default=None, ge=0)
    max_amount: int | None = Field(default=None, ge=0)
    published_from: date | None = None
    published_to: date | None = None
    closes_from: date | None = None
    closes_to: date | None = None
    closes_within_days: int | None = Field(default=None, ge=0, le=365)
    sort: Sort = Sort.RELEVANCE
    page: int = Field(default=1, ge=1, le=MAX_PAGE)
    page_size: int = Field(default=PAGE_SIZE, ge=1, le=100)

    @field_validator("states")
    @classmethod
    def _clean_states(cls, value: list[str]) -> list[str]:
        """Without NUL characters (PostgreSQL refuses them in text) and blanks."""
        return [state for state in (_clean(item) for item in value) if state]

    @field_validator("organismo")
    @classmethod
    def _clean_organismo(cls, value: str) -> str:
        return _clean(value)

    @field_validator("text")
    @classmethod
    def _clean_text(cls, value: str) -> str:
        cleaned = _clean(value)
        if len(cleaned) > MAX_QUERY_LENGTH:
            raise ValueError(f"La búsqueda es demasiado larga: usa hasta {MAX_QUERY_LENGTH} caracteres")
        return cleaned

    @model_validator(mode="after")
    def _ranges_in_order(self) -> "SearchQuery":
        if self.min_amount is not None and self.max_amount is not None and self.min_amount > self.max_amount:
            raise ValueError("El monto mínimo es mayor que el máximo")
        for low, high, label in (
            (self.published_from, self.published_to, "publicación"),
            (self.closes_from, self.closes_to, "cierre"),
        ):
            if low and high and low > high:
                raise ValueError(f"La fecha inicial de {label} es posterior a la final")
        return self

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


FIELD_LABELS = {
    "region": "región", "min_amount": "monto mínimo", "max_amount": "monto máximo",
    "published_from": "publicada desde", "published_to": "publicada hasta", "closes_from": "cierra desde",
    "closes_to": "cierra hasta", "closes_within_days": "cierra en días", "page": "página", "organismo": "organismo", "buyer_id": "organismo",
}  # fmt: skip


def validated(model: type[ModelT], **fields) -> ModelT:
    """`model(**fields)`, raising InvalidInput with its first problem in words a user understands."""
    try:
        return model(**fields)
    except ValidationError as error:
        raise InvalidInput(validation_message(error)) from None


def validation_message(error: Exception) -> str:
    """The first problem of a pydantic ValidationError, in words a user understands."""
    errors = getattr(error, "errors", None)
    if not errors:
        return str(error)
    first = errors()[0]
    message = first.get("msg", "Búsqueda inválida").removeprefix("Value error, ")
    field = ".".join(str(part) for part in first.get("loc", ()))
    return (
        message
        if first.get("type") == "value_error"
        else f"Filtro «{FIELD_LABELS.get(field, field)}» inválido"
    )
