"""What the reading process hands to the loader: staged rows as CSV for COPY, and rejects."""

from dataclasses import dataclass, field
from typing import NamedTuple

QUOTE_COLUMNS = (
    "file_index", "record", "codigo", "closing_date", "published_date", "unit_code", "region", "supplier_rut",
    "product_code", "product_name", "quantity", "amount", "amount_is_quote_total", "currency", "winner",
)  # fmt: skip
TENDER_COLUMNS = (
    "codigo", "closing_date", "published_date", "state", "name", "description", "delivery_address",
    "delivery_days", "amount_available", "unit_code", "unit_name", "organismo", "unit_rut", "region", "items_text",
)  # fmt: skip
SUPPLIER_COLUMNS = ("rut", "name", "size")

BATCH_ROWS = 50_000
REPEAT_REASON = "Fila repetida: este proveedor ya cotizó este producto en la línea {}"


class Reject(NamedTuple):
    """A record rejected while staging, by its number in the file; a repeat names the record it repeats."""

    file_name: str
    record: int
    reason: str
    repeats: int | None = None


@dataclass
class StagedBatch:
    """Whole cotizaciones as CSV for COPY: their quotes and tenders, the suppliers first seen in
    them and their products, and the records rejected on the way."""

    quotes: list[bytes] = field(default_factory=list)
    tenders: list[bytes] = field(default_factory=list)
    suppliers: list[bytes] = field(default_factory=list)
    products: list[bytes] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    rows: int = 0
