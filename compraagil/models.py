"""Database tables (SQLModel). Alembic owns the schema; these classes mirror it for queries."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Column, DateTime, Numeric, SmallInteger, Text, func
from sqlmodel import Field, SQLModel


def _now_column() -> Column:
    return Column(DateTime(timezone=True), nullable=False, server_default=func.now())


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


class Tender(SQLModel, table=True):
    """A Compra Ágil process (cotización), open or past."""

    __tablename__ = "tenders"

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
    updated_at: datetime | None = Field(default=None, sa_column=_now_column())


class TenderItem(SQLModel, table=True):
    """A line item requested by a tender."""

    __tablename__ = "tender_items"

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tenders.id", ondelete="CASCADE")
    line_number: int
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
    winner: bool = False
    line_count: int = Field(default=0, sa_column=Column(SmallInteger, nullable=False, server_default="0"))
    import_run_id: int | None = None


class QuoteLine(SQLModel, table=True):
    """One line of a quote: a product with its quantity and unit price; `amount` only when the
    source gives a line amount (COT gives only the quote's total). Partitioned like `quotes`."""

    __tablename__ = "quote_lines"

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
    winner: bool = False
    region: int | None = Field(default=None, sa_column=Column(SmallInteger))
    import_run_id: int | None = None


class ImportRun(SQLModel, table=True):
    """One import or sync, with what it read and what became of each row."""

    __tablename__ = "import_runs"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="running", sa_column=Column(Text, nullable=False))
    started_at: datetime | None = Field(default=None, sa_column=_now_column())
    finished_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    rows_read: int = 0
    rows_inserted: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_duplicates: int = 0
    rows_rejected: int = 0
    error: str | None = Field(default=None, sa_column=Column(Text))


class ImportReject(SQLModel, table=True):
    """A row an import could not take, with the reason and the raw line, so nothing is lost."""

    __tablename__ = "import_rejects"

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    run_id: int = Field(foreign_key="import_runs.id", ondelete="CASCADE", index=True)
    file_name: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    line_number: int
    reason: str = Field(sa_column=Column(Text, nullable=False))
    raw_line: str = Field(sa_column=Column(Text, nullable=False))


class SyncState(SQLModel, table=True):
    """Where an incremental sync stopped: the next one starts from `cursor`."""

    __tablename__ = "sync_state"

    name: str = Field(sa_column=Column(Text, primary_key=True))
    cursor: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime | None = Field(default=None, sa_column=_now_column())
