"""The history: buyers, suppliers, the product dictionary, tenders and their items, quotes and their lines."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Column,
    Computed,
    DateTime,
    Index,
    Numeric,
    SmallInteger,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlmodel import Field, SQLModel

from compraagil.models.columns import now_column, server_default

LINE_LOOKUP_INCLUDE = ["unit_price", "winner", "supplier_id", "buyer_id", "region", "currency"]
"""What price lookups read from the lines' covering indexes, so they never touch the table."""


class Buyer(SQLModel, table=True):
    """A buying unit (unidad de compra) of an organismo."""

    __tablename__ = "buyers"

    id: int | None = Field(default=None, primary_key=True)
    unit_code: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    unit_name: str = Field(sa_column=Column(Text, nullable=False))
    organismo: str = Field(sa_column=Column(Text, nullable=False))
    rut: str | None = Field(default=None, sa_column=Column(Text))
    region: int | None = Field(default=None, sa_column=Column(SmallInteger))


class Supplier(SQLModel, table=True):
    """A supplier (proveedor), identified by its RUT in compact form `76123456-7`."""

    __tablename__ = "suppliers"

    id: int | None = Field(default=None, primary_key=True)
    rut: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    name: str = Field(sa_column=Column(Text, nullable=False))
    size: str | None = Field(default=None, sa_column=Column(Text))


class Product(SQLModel, table=True):
    """The dictionary of quoted product names, normalised, so history is joined by id, not text."""

    __tablename__ = "products"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    key: str | None = Field(
        default=None, sa_column=Column(Text, Computed("product_key(fold(name))", persisted=True))
    )
    """Its first three product words, folded (`compraagil.pricing.matching`): the names of one key
    are priced together."""


class Tender(SQLModel, table=True):
    """A Compra Ágil process (cotización), open or past."""

    __tablename__ = "tenders"
    __table_args__ = (
        Index("tenders_state_closes_at", "state", "closes_at"),
        Index("tenders_buyer_id", "buyer_id"),
        Index("tenders_closes_at", "closes_at"),
        Index("tenders_region_closes_at", "region", "closes_at"),
        Index("tenders_amount", text("amount_available DESC NULLS LAST")),
        Index("tenders_search_vector", "search_vector", postgresql_using="gin"),
        Index(
            "tenders_open_search_vector",
            "search_vector",
            postgresql_using="gin",
            postgresql_where=text("state = 'publicada'"),
        ),
        Index("tenders_search_pending", "id", postgresql_where=text("search_vector IS NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    codigo: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    name: str = Field(sa_column=Column(Text, nullable=False))
    description: str | None = Field(default=None, sa_column=Column(Text))
    state: str = Field(sa_column=Column(Text, nullable=False))
    buyer_id: int | None = Field(default=None, foreign_key="buyers.id")
    region: int | None = Field(default=None, sa_column=Column(SmallInteger))
    published_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    closes_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    amount_available: int | None = Field(default=None, sa_column=Column(BigInteger))
    currency: str = Field(default="CLP", sa_column=Column(Text, nullable=False, server_default="CLP"))
    delivery_address: str | None = Field(default=None, sa_column=Column(Text))
    delivery_days: int | None = None
    quotes_received: int | None = None
    source: str = Field(sa_column=Column(Text, nullable=False))
    source_changed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    cot_fingerprint: str | None = Field(default=None, sa_column=Column(Text))
    """A digest of its records in the COT file last imported (a re-import skips it when equal)."""
    updated_at: datetime | None = Field(default=None, sa_column=now_column())
    items_text: str | None = Field(default=None, sa_column=Column(Text))
    """The requested items' names and descriptions, for search."""
    search_vector: str | None = Field(default=None, sa_column=Column(TSVECTOR))
    """The weighted Spanish search vector (name, requested items, description), written by a trigger
    (`tender_search_vector()`, migration 0018); NULL while a bulk import's tender waits for
    `compraagil.search.indexing` to fill it."""
    search_document: str | None = Field(default=None, sa_column=Column(Text))
    """Name and items folded (lower case, no accents), the text the search vocabulary is made of;
    written with `search_vector`."""


class TenderItem(SQLModel, table=True):
    """A line item requested by a tender."""

    __tablename__ = "tender_items"

    tender_id: int = Field(primary_key=True)
    """Its tender's id (no foreign key: items are bulk-written by the importers, see migration 0007)."""
    line_number: int = Field(primary_key=True)
    product_code: str | None = Field(default=None, sa_column=Column(Text))
    name: str = Field(sa_column=Column(Text, nullable=False))
    description: str | None = Field(default=None, sa_column=Column(Text))
    quantity: Decimal | None = Field(default=None, sa_column=Column(Numeric(18, 4)))
    unit: str | None = Field(default=None, sa_column=Column(Text))


class Quote(SQLModel, table=True):
    """One supplier's quote in one process (a supplier may send several: `quote_number` 1, 2, …),
    with its total; partitioned by month of `closing_date`."""

    __tablename__ = "quotes"

    closing_date: date = Field(primary_key=True)
    tender_codigo: str = Field(sa_column=Column(Text, primary_key=True))
    supplier_id: int = Field(primary_key=True)
    quote_number: int = Field(sa_column=Column(SmallInteger, primary_key=True))
    source_quote_id: str | None = Field(default=None, sa_column=Column(Text))
    buyer_id: int | None = None
    region: int | None = Field(default=None, sa_column=Column(SmallInteger))
    state: str | None = Field(default=None, sa_column=Column(Text))
    """None for a valid quote; `inadmisible` (with `state_reason`) when the buyer set it aside."""
    state_reason: str | None = Field(default=None, sa_column=Column(Text))
    currency: str = Field(default="CLP", sa_column=Column(Text, nullable=False, server_default="CLP"))
    total: Decimal | None = Field(default=None, sa_column=Column(Numeric(18, 4)))
    """The quote's total in `currency`, as the source states it."""
    total_clp: Decimal | None = Field(default=None, sa_column=Column(Numeric(18, 4)))
    winner: bool = Field(default=False, sa_column_kwargs=server_default("false"))
    line_count: int = Field(default=0, sa_column=Column(SmallInteger, nullable=False, server_default="0"))
    import_run_id: int | None = None


class QuoteLine(SQLModel, table=True):
    """One line of a quote: a product with its quantity and unit price; `amount` only when the
    source gives a line amount (COT gives only the quote's total). Partitioned like `quotes`."""

    __tablename__ = "quote_lines"
    __table_args__ = (
        Index(
            "quote_lines_product_lookup", "product_id", "closing_date", postgresql_include=LINE_LOOKUP_INCLUDE
        ),
    )

    closing_date: date = Field(primary_key=True)
    tender_codigo: str = Field(sa_column=Column(Text, primary_key=True))
    supplier_id: int = Field(primary_key=True)
    quote_number: int = Field(sa_column=Column(SmallInteger, primary_key=True))
    line_number: int = Field(sa_column=Column(SmallInteger, primary_key=True))
    published_date: date | None = None
    buyer_id: int | None = None
    product_id: int
    product_code: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    description: str | None = Field(default=None, sa_column=Column(Text))
    quantity: Decimal | None = Field(default=None, sa_column=Column(Numeric(18, 4)))
    unit_price: Decimal | None = Field(default=None, sa_column=Column(Numeric(18, 4)))
    amount: Decimal | None = Field(default=None, sa_column=Column(Numeric(18, 4)))
    currency: str = Field(default="CLP", sa_column=Column(Text, nullable=False, server_default="CLP"))
    winner: bool = Field(default=False, sa_column_kwargs=server_default("false"))
    region: int | None = Field(default=None, sa_column=Column(SmallInteger))
    import_run_id: int | None = None
