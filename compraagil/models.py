"""Database tables (SQLModel). Alembic owns the schema; these classes mirror it for queries."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    Column,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, TSQUERY, TSVECTOR
from sqlmodel import Field, SQLModel


def _now_column() -> Column:
    return Column(DateTime(timezone=True), nullable=False, server_default=func.now())


def _server_default(value: str) -> dict:
    """Column options for a NOT NULL column the database fills with `value` (an SQL literal)."""
    return {"server_default": text(value)}


SEARCH_VECTOR = """setweight(to_tsvector('es_unaccent', coalesce(name, '')), 'A')
    || setweight(to_tsvector('es_unaccent', coalesce(items_text, '')), 'B')
    || setweight(to_tsvector('es_unaccent', coalesce(description, '')), 'C')"""
"""The tenders' weighted Spanish search vector (name, requested items, description), as migrated."""

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
    updated_at: datetime | None = Field(default=None, sa_column=_now_column())
    items_text: str | None = Field(default=None, sa_column=Column(Text))
    """The requested items' names and descriptions, for search."""
    search_vector: str | None = Field(
        default=None, sa_column=Column(TSVECTOR, Computed(SEARCH_VECTOR, persisted=True))
    )
    search_document: str | None = Field(
        default=None,
        sa_column=Column(Text, Computed("fold(name || ' ' || coalesce(items_text, ''))", persisted=True)),
    )
    """Name and items folded (lower case, no accents), the text the search vocabulary is made of."""


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
    winner: bool = Field(default=False, sa_column_kwargs=_server_default("false"))
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
        Index(
            "quote_lines_price_sample",
            "product_id",
            "closing_date",
            postgresql_include=LINE_LOOKUP_INCLUDE,
            postgresql_where=text("hashtextextended(tender_codigo, supplier_id) % 20 = 0"),
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
    winner: bool = Field(default=False, sa_column_kwargs=_server_default("false"))
    region: int | None = Field(default=None, sa_column=Column(SmallInteger))
    import_run_id: int | None = None


class ImportRun(SQLModel, table=True):
    """One import or sync, with what it read and what became of each row."""

    __tablename__ = "import_runs"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="running", sa_column=Column(Text, nullable=False, server_default="running"))
    started_at: datetime | None = Field(default=None, sa_column=_now_column())
    finished_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    rows_read: int = Field(default=0, sa_column_kwargs=_server_default("0"))
    rows_inserted: int = Field(default=0, sa_column_kwargs=_server_default("0"))
    rows_updated: int = Field(default=0, sa_column_kwargs=_server_default("0"))
    rows_unchanged: int = Field(default=0, sa_column_kwargs=_server_default("0"))
    rows_duplicates: int = Field(default=0, sa_column_kwargs=_server_default("0"))
    rows_rejected: int = Field(default=0, sa_column_kwargs=_server_default("0"))
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


class Company(SQLModel, table=True):
    """A subscriber: the supplier company its users work for, with its plan."""

    __tablename__ = "companies"

    id: int | None = Field(default=None, primary_key=True)
    rut: str | None = Field(default=None, sa_column=Column(Text, unique=True))
    """Compact form `76123456-7`; None until the owner fills it in."""
    name: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    size: str | None = Field(default=None, sa_column=Column(Text))
    """`mipyme` or `grande`."""
    regions: list[int] = Field(
        default_factory=list, sa_column=Column(ARRAY(SmallInteger), nullable=False, server_default="{}")
    )
    keywords: list[str] = Field(
        default_factory=list, sa_column=Column(ARRAY(Text), nullable=False, server_default="{}")
    )
    plan: str = Field(default="FREE", sa_column=Column(Text, nullable=False, server_default="FREE"))
    supplier_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("suppliers.id", ondelete="SET NULL"))
    )
    """The supplier with this RUT in the history («Mi historial»), when there is one."""
    created_at: datetime | None = Field(default=None, sa_column=_now_column())


class User(SQLModel, table=True):
    """A person who signs in; belongs to one company as its `owner` or a `member`."""

    __tablename__ = "users"
    __table_args__ = (Index("ix_users_company_id", "company_id"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    """Lower-cased."""
    password_hash: str = Field(sa_column=Column(Text, nullable=False))
    email_verified_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    company_id: int = Field(
        sa_column=Column(Integer, ForeignKey("companies.id", ondelete="CASCADE"), nullable=False)
    )
    role: str = Field(default="owner", sa_column=Column(Text, nullable=False, server_default="owner"))
    is_staff: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=text("false"))
    )
    created_at: datetime | None = Field(default=None, sa_column=_now_column())


class UserSession(SQLModel, table=True):
    """A signed-in browser: only the SHA-256 of its token is stored; sliding expiry."""

    __tablename__ = "user_sessions"
    __table_args__ = (Index("ix_user_sessions_user_id", "user_id"),)

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    token_hash: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    )
    created_at: datetime | None = Field(default=None, sa_column=_now_column())
    last_seen_at: datetime | None = Field(default=None, sa_column=_now_column())
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class UserToken(SQLModel, table=True):
    """A single-use emailed link (`verify`, `reset`, `email_change`): only its hash is stored."""

    __tablename__ = "user_tokens"
    __table_args__ = (Index("ix_user_tokens_user_id", "user_id"),)

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    token_hash: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    )
    purpose: str = Field(sa_column=Column(Text, nullable=False))
    new_email: str | None = Field(default=None, sa_column=Column(Text))
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    created_at: datetime | None = Field(default=None, sa_column=_now_column())


class Invitation(SQLModel, table=True):
    """An emailed, single-use invitation to join a company as a member."""

    __tablename__ = "invitations"
    __table_args__ = (Index("ix_invitations_company_id", "company_id"),)

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    token_hash: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    company_id: int = Field(
        sa_column=Column(Integer, ForeignKey("companies.id", ondelete="CASCADE"), nullable=False)
    )
    email: str = Field(sa_column=Column(Text, nullable=False))
    invited_by: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"))
    )
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    accepted_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    created_at: datetime | None = Field(default=None, sa_column=_now_column())


class UsageCounter(SQLModel, table=True):
    """How much of a metered feature a company used in one period (a Santiago day or month)."""

    __tablename__ = "usage_counters"

    company_id: int = Field(
        sa_column=Column(Integer, ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    )
    feature: str = Field(sa_column=Column(Text, primary_key=True))
    period_start: date = Field(sa_column=Column(Date, primary_key=True))
    used: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))


class AuditEntry(SQLModel, table=True):
    """A change made by staff (a company's plan), with who, when, why, before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_target", "target_type", "target_id"),)

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    at: datetime | None = Field(default=None, sa_column=_now_column())
    actor_user_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"))
    )
    action: str = Field(sa_column=Column(Text, nullable=False))
    target_type: str = Field(sa_column=Column(Text, nullable=False))
    target_id: int = Field(sa_column=Column(Integer, nullable=False))
    before: dict | None = Field(default=None, sa_column=Column(JSONB))
    after: dict | None = Field(default=None, sa_column=Column(JSONB))
    reason: str = Field(sa_column=Column(Text, nullable=False))


class PipelineItem(SQLModel, table=True):
    """A tender a company follows in its pipeline, one per (company, tender), with its status;
    `status_set_by` is `person` or `outcome` (moved by itself when the history showed the result)."""

    __tablename__ = "pipeline_items"
    __table_args__ = (
        UniqueConstraint("company_id", "tender_id", name="pipeline_items_company_tender"),
        Index("ix_pipeline_items_tender_id", "tender_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(
        sa_column=Column(Integer, ForeignKey("companies.id", ondelete="CASCADE"), nullable=False)
    )
    tender_id: int = Field(
        sa_column=Column(Integer, ForeignKey("tenders.id", ondelete="CASCADE"), nullable=False)
    )
    status: str = Field(
        default="evaluando", sa_column=Column(Text, nullable=False, server_default="evaluando")
    )
    status_set_by: str = Field(
        default="person", sa_column=Column(Text, nullable=False, server_default="person")
    )
    outcome_note: str | None = Field(default=None, sa_column=Column(Text))
    """Why the outcome moved it, in Spanish («ganó Ferretería Sur»)."""
    quoted_amount: int | None = Field(default=None, sa_column=Column(BigInteger))
    """What the company quoted, in CLP."""
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    remind_on: date | None = Field(default=None, sa_column=Column(Date))
    created_by: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"))
    )
    created_at: datetime | None = Field(default=None, sa_column=_now_column())
    updated_at: datetime | None = Field(default=None, sa_column=_now_column())


def _fk(target: str, *, nullable: bool = False, big: bool = False) -> Column:
    """A foreign key column that goes with the row it points at (ON DELETE CASCADE)."""
    return Column(BigInteger if big else Integer, ForeignKey(target, ondelete="CASCADE"), nullable=nullable)


class Alert(SQLModel, table=True):
    """A user's saved search (text + the Buscar filters) with the channels and frequency it notifies by."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index("ix_alerts_company_id", "company_id"),
        Index("ix_alerts_user_id", "user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(sa_column=_fk("companies.id"))
    user_id: int = Field(sa_column=_fk("users.id"))
    name: str = Field(sa_column=Column(Text, nullable=False))
    text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    query: str | None = Field(
        default=None,
        sa_column=Column(TSQUERY, Computed("websearch_to_tsquery('es_unaccent', text)", persisted=True)),
    )
    """The same tsquery Buscar builds from `text`, stored so matching never parses it again."""
    region: int | None = Field(default=None, sa_column=Column(SmallInteger))
    organismo: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    min_amount: int | None = Field(default=None, sa_column=Column(BigInteger))
    max_amount: int | None = Field(default=None, sa_column=Column(BigInteger))
    published_from: date | None = None
    published_to: date | None = None
    closes_from: date | None = None
    closes_to: date | None = None
    closes_within_days: int | None = None
    channels: list[str] = Field(
        default_factory=lambda: ["inbox", "email"],
        sa_column=Column(ARRAY(Text), nullable=False, server_default="{inbox,email}"),
    )
    frequency: str = Field(
        default="instant", sa_column=Column(Text, nullable=False, server_default="instant")
    )
    """`instant` (right after the import that brought the tender) or `daily` (08:00 Santiago)."""
    active: bool = Field(default=True, sa_column_kwargs=_server_default("true"))
    created_at: datetime | None = Field(default=None, sa_column=_now_column())
    updated_at: datetime | None = Field(default=None, sa_column=_now_column())


class AlertNotice(SQLModel, table=True):
    """Something to tell a user about a tender: an alert matched it (once per alert and tender) or it
    closes soon in the pipeline (once per user, tender and reminder). It shows in the inbox at once
    (`in_inbox`; `read_at` is its state there); `pending` lists the push channels still to deliver."""

    __tablename__ = "alert_notices"
    __table_args__ = (
        Index(
            "alert_notices_once_per_alert",
            "alert_id",
            "tender_id",
            unique=True,
            postgresql_where=text("alert_id IS NOT NULL"),
        ),
        Index(
            "alert_notices_once_per_reminder",
            "user_id",
            "tender_id",
            "kind",
            unique=True,
            postgresql_where=text("alert_id IS NULL"),
        ),
        Index(
            "ix_alert_notices_inbox", "user_id", text("created_at DESC"), postgresql_where=text("in_inbox")
        ),
        Index("ix_alert_notices_pending", "user_id", postgresql_where=text("pending <> '{}'")),
    )

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    user_id: int = Field(sa_column=_fk("users.id"))
    tender_id: int
    """Its tender's id (no foreign key: tenders are never deleted, and matching writes many notices)."""
    kind: str = Field(sa_column=Column(Text, nullable=False))
    """`alert`, `deadline_48h` or `deadline_24h`."""
    alert_id: int | None = Field(default=None, sa_column=_fk("alerts.id", nullable=True))
    in_inbox: bool = Field(default=True, sa_column_kwargs=_server_default("true"))
    pending: list[str] = Field(
        default_factory=list, sa_column=Column(ARRAY(Text), nullable=False, server_default="{}")
    )
    created_at: datetime | None = Field(default=None, sa_column=_now_column())
    read_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class AlertDelivery(SQLModel, table=True):
    """The delivery log: one notice on one push channel, `sent`, `failed` (with its reason; retried
    while `attempts` allow) or `skipped` (with why)."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (UniqueConstraint("notice_id", "channel", name="alert_deliveries_once_per_channel"),)

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    notice_id: int = Field(sa_column=_fk("alert_notices.id", big=True))
    channel: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(sa_column=Column(Text, nullable=False))
    reason: str | None = Field(default=None, sa_column=Column(Text))
    attempts: int = Field(default=1, sa_column=Column(Integer, nullable=False, server_default="1"))
    created_at: datetime | None = Field(default=None, sa_column=_now_column())
    updated_at: datetime | None = Field(default=None, sa_column=_now_column())


class AlertRunCheck(SQLModel, table=True):
    """An import run whose new and changed tenders were matched against the alerts."""

    __tablename__ = "alert_run_checks"

    run_id: int = Field(
        sa_column=Column(Integer, ForeignKey("import_runs.id", ondelete="CASCADE"), primary_key=True)
    )
    checked_at: datetime | None = Field(default=None, sa_column=_now_column())
    tenders: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    notices: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
