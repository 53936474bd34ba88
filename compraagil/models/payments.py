"""Payments, the provider notifications already processed, subscriptions and invoices."""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from compraagil.models.columns import now_column


class Payment(SQLModel, table=True):
    """A checkout or renewal order: its amount comes from the plan table; a paid one never moves."""

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("provider", "provider_ref"),
        Index("ix_payments_company_id", "company_id", text("created_at DESC")),
        CheckConstraint("provider IN ('flow', 'stripe')"),
        CheckConstraint("purpose IN ('subscribe', 'upgrade', 'renewal')"),
        CheckConstraint("status IN ('pending', 'paid', 'rejected', 'canceled')"),
        CheckConstraint("amount_clp > 0"),
    )

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    """The order's name outside (Flow's commerceOrder, Stripe's client_reference_id, the return page)."""
    company_id: int = Field(
        sa_column=Column(Integer, ForeignKey("companies.id", ondelete="CASCADE"), nullable=False)
    )
    user_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"))
    )
    provider: str = Field(sa_column=Column(Text, nullable=False))
    purpose: str = Field(sa_column=Column(Text, nullable=False))
    plan: str = Field(sa_column=Column(Text, nullable=False))
    amount_clp: int = Field(sa_column=Column(Integer, nullable=False))
    credit_clp: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default=text("0")))
    """What an upgrade discounts: the unused part of the period already paid."""
    status: str = Field(
        default="pending", sa_column=Column(Text, nullable=False, server_default=text("'pending'"))
    )
    provider_ref: str | None = Field(default=None, sa_column=Column(Text))
    """Flow's token or Stripe's Checkout Session id."""
    checkout_url: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime | None = Field(default=None, sa_column=now_column())
    settled_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class PaymentEvent(SQLModel, table=True):
    """A provider notification already processed (a replay of it changes nothing)."""

    __tablename__ = "payment_events"

    provider: str = Field(sa_column=Column(Text, primary_key=True))
    event_id: str = Field(sa_column=Column(Text, primary_key=True))
    kind: str = Field(sa_column=Column(Text, nullable=False))
    received_at: datetime | None = Field(default=None, sa_column=now_column())


class Subscription(SQLModel, table=True):
    """A company's paid plan and its current period."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        Index("ix_subscriptions_period_end", "period_end", postgresql_where=text("status <> 'ended'")),
        CheckConstraint("status IN ('active', 'past_due', 'ended')"),
    )

    company_id: int = Field(
        sa_column=Column(Integer, ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    )
    plan: str = Field(sa_column=Column(Text, nullable=False))
    provider: str = Field(sa_column=Column(Text, nullable=False))
    provider_ref: str | None = Field(default=None, sa_column=Column(Text))
    """Stripe's subscription id (Flow renews by a payment link each period)."""
    status: str = Field(sa_column=Column(Text, nullable=False))
    period_start: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    period_end: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    cancel_at_period_end: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=text("false"))
    )
    grace_until: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    """A renewal failed: the plan stays until then, and FREE follows."""
    reminded_for: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    """The period end the renewal reminder was sent for (one reminder per period)."""
    updated_at: datetime | None = Field(default=None, sa_column=now_column())


class InvoiceNumber(SQLModel, table=True):
    """The last number issued per kind of document (advanced in the issuing transaction: no gaps)."""

    __tablename__ = "invoice_numbers"

    kind: str = Field(sa_column=Column(Text, primary_key=True))
    last: int = Field(sa_column=Column(Integer, nullable=False))


class Invoice(SQLModel, table=True):
    """A boleta, factura or nota de crédito: never changed after issue (a trigger refuses it)."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("kind", "number"),
        Index("ix_invoices_company_id", "company_id", text("issued_at DESC")),
        Index(
            "invoices_one_credit_note",
            "corrects_id",
            unique=True,
            postgresql_where=text("corrects_id IS NOT NULL"),
        ),
        CheckConstraint("net_clp + vat_clp = total_clp"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_column=Column(Text, ForeignKey("invoice_numbers.kind"), nullable=False))
    number: int = Field(sa_column=Column(Integer, nullable=False))
    company_id: int = Field(
        sa_column=Column(Integer, ForeignKey("companies.id", ondelete="RESTRICT"), nullable=False)
    )
    payment_id: int = Field(
        sa_column=Column(Integer, ForeignKey("payments.id", ondelete="RESTRICT"), nullable=False)
    )
    corrects_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("invoices.id")))
    """For a nota de crédito: the document it cancels."""
    buyer_rut: str | None = Field(default=None, sa_column=Column(Text))
    buyer_name: str = Field(sa_column=Column(Text, nullable=False))
    buyer_giro: str | None = Field(default=None, sa_column=Column(Text))
    buyer_address: str | None = Field(default=None, sa_column=Column(Text))
    description: str = Field(sa_column=Column(Text, nullable=False))
    net_clp: int = Field(sa_column=Column(Integer, nullable=False))
    vat_clp: int = Field(sa_column=Column(Integer, nullable=False))
    total_clp: int = Field(sa_column=Column(Integer, nullable=False))
    issued_at: datetime | None = Field(default=None, sa_column=now_column())
