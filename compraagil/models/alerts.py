"""Saved searches, the notices they produce, and their deliveries."""

from datetime import date, datetime

from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    ARRAY,
    BigInteger,
    Column,
    Computed,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import REAL, TSQUERY
from sqlmodel import Field, SQLModel

from compraagil.models.columns import cascade_fk, now_column, server_default
from compraagil.models.embeddings import DIMENSIONS


class Alert(SQLModel, table=True):
    """A user's saved search (text + the Buscar filters) with the channels and frequency it notifies by."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index("ix_alerts_company_id", "company_id"),
        Index("ix_alerts_user_id", "user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(sa_column=cascade_fk("companies.id"))
    user_id: int = Field(sa_column=cascade_fk("users.id"))
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
    active: bool = Field(default=True, sa_column_kwargs=server_default("true"))
    semantic: bool = Field(default=False, sa_column_kwargs=server_default("false"))
    """Watches by meaning (`alert_vectors`), not by the words of `text`."""
    created_at: datetime | None = Field(default=None, sa_column=now_column())
    updated_at: datetime | None = Field(default=None, sa_column=now_column())


class AlertVector(SQLModel, table=True):
    """A semantic alert as a unit vector of one embedding model: `seed` from its text or the products
    its company quoted, `vector` the seed moved by the feedback on what it delivered; a tender at
    least `threshold` similar to it is noticed."""

    __tablename__ = "alert_vectors"

    alert_id: int = Field(
        sa_column=Column(Integer, ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True)
    )
    model: str = Field(sa_column=Column(Text, primary_key=True))
    seed: list[float] = Field(sa_column=Column(Vector(DIMENSIONS), nullable=False))
    vector: list[float] = Field(sa_column=Column(Vector(DIMENSIONS), nullable=False))
    threshold: float = Field(sa_column=Column(REAL, nullable=False))
    seeded_from: str = Field(sa_column=Column(Text, nullable=False))
    """In words: «tu texto» or «12 productos que cotizaste»."""
    updated_at: datetime | None = Field(default=None, sa_column=now_column())


class SemanticAlertCheck(SQLModel, table=True):
    """Up to when each model's newly embedded tenders were matched against the semantic alerts."""

    __tablename__ = "semantic_alert_checks"

    model: str = Field(sa_column=Column(Text, primary_key=True))
    embedded_until: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


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
    user_id: int = Field(sa_column=cascade_fk("users.id"))
    tender_id: int
    """Its tender's id (no foreign key: tenders are never deleted, and matching writes many notices)."""
    kind: str = Field(sa_column=Column(Text, nullable=False))
    """`alert`, `deadline_48h` or `deadline_24h`."""
    alert_id: int | None = Field(default=None, sa_column=cascade_fk("alerts.id", nullable=True))
    in_inbox: bool = Field(default=True, sa_column_kwargs=server_default("true"))
    pending: list[str] = Field(
        default_factory=list, sa_column=Column(ARRAY(Text), nullable=False, server_default="{}")
    )
    created_at: datetime | None = Field(default=None, sa_column=now_column())
    read_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    useful: bool | None = None
    """The user's 👍 (true) or 👎 (false) on it; a semantic alert learns from it."""


class AlertDelivery(SQLModel, table=True):
    """The delivery log: one notice on one push channel, `sent`, `failed` (with its reason; retried
    while `attempts` allow) or `skipped` (with why)."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (UniqueConstraint("notice_id", "channel", name="alert_deliveries_once_per_channel"),)

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    notice_id: int = Field(sa_column=cascade_fk("alert_notices.id", big=True))
    channel: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(sa_column=Column(Text, nullable=False))
    reason: str | None = Field(default=None, sa_column=Column(Text))
    attempts: int = Field(default=1, sa_column=Column(Integer, nullable=False, server_default="1"))
    created_at: datetime | None = Field(default=None, sa_column=now_column())
    updated_at: datetime | None = Field(default=None, sa_column=now_column())


class AlertRunCheck(SQLModel, table=True):
    """An import run whose new and changed tenders were matched against the alerts."""

    __tablename__ = "alert_run_checks"

    run_id: int = Field(
        sa_column=Column(Integer, ForeignKey("import_runs.id", ondelete="CASCADE"), primary_key=True)
    )
    checked_at: datetime | None = Field(default=None, sa_column=now_column())
    tenders: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    notices: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
