"""What the reading process hands to the loader: staged rows as CSV for COPY, and rejects."""

from dataclasses import dataclass, field
from typing import NamedTuple

LINE_COLUMNS = (
    "file_index", "record", "codigo", "closing_date", "published_date", "unit_code", "region", "supplier_rut",
    "quote_number", "line_number", "single_line", "product_code", "product_name", "description", "quantity",
    "quote_total", "currency", "winner",
)  # fmt: skip
"""A quote line; `quote_total` is the MontoTotal of its quote (landed on the quote, not the line)."""
QUOTE_COLUMNS = (
    "codigo", "closing_date", "unit_code", "region", "supplier_rut", "quote_number", "total", "currency",
    "winner", "line_count",
)  # fmt: skip
TENDER_COLUMNS = (
    "codigo", "closing_date", "published_date", "state", "name", "description", "delivery_address",
    "delivery_days", "amount_available", "unit_code", "unit_name", "organismo", "unit_rut", "region", "items_text",
    "quotes_received", "fingerprint",
)  # fmt: skip
ITEM_COLUMNS = ("codigo", "line_number", "file_index", "record", "product_code", "name", "quantity")
"""A product the cotización asked for, numbered in order of appearance, with the record where it
first appears."""
SUPPLIER_COLUMNS = ("rut", "name", "size")

BATCH_ROWS = 50_000


class Reject(NamedTuple):
    """A record rejected while staging, by its number in the file."""

    file_name: str
    record: int
    reason: str


@dataclass
class StagedBatch:
    """Whole cotizaciones as CSV for COPY: their quote lines, quotes, tenders and requested items,
    the suppliers first seen in them and their products, and the records rejected on the way."""

    lines: list[bytes] = field(default_factory=list)
    quotes: list[bytes] = field(default_factory=list)
    tenders: list[bytes] = field(default_factory=list)
    items: list[bytes] = field(default_factory=list)
    suppliers: list[bytes] = field(default_factory=list)
    products: list[bytes] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    rows: int = 0
