"""Companies, their users and sessions, emailed links and invitations, plan usage, the admin audit log."""

from datetime import date, datetime

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from compraagil.models.columns import now_column


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
    billing_giro: str | None = Field(default=None, sa_column=Column(Text))
    """The giro a factura names (with the RUT, razón social and address); without it, a boleta."""
    billing_address: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime | None = Field(default=None, sa_column=now_column())


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
    created_at: datetime | None = Field(default=None, sa_column=now_column())


class UserSession(SQLModel, table=True):
    """A signed-in browser: only the SHA-256 of its token is stored; sliding expiry."""

    __tablename__ = "user_sessions"
    __table_args__ = (Index("ix_user_sessions_user_id", "user_id"),)

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    token_hash: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    )
    created_at: datetime | None = Field(default=None, sa_column=now_column())
    last_seen_at: datetime | None = Field(default=None, sa_column=now_column())
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
    created_at: datetime | None = Field(default=None, sa_column=now_column())


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
    created_at: datetime | None = Field(default=None, sa_column=now_column())


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
    at: datetime | None = Field(default=None, sa_column=now_column())
    actor_user_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"))
    )
    action: str = Field(sa_column=Column(Text, nullable=False))
    target_type: str = Field(sa_column=Column(Text, nullable=False))
    target_id: int = Field(sa_column=Column(Integer, nullable=False))
    before: dict | None = Field(default=None, sa_column=Column(JSONB))
    after: dict | None = Field(default=None, sa_column=Column(JSONB))
    reason: str = Field(sa_column=Column(Text, nullable=False))


class QuotaRefusal(SQLModel, table=True):
    """How often a company's plan refused a feature on a Santiago day."""

    __tablename__ = "quota_refusals"

    company_id: int = Field(sa_column=Column(Integer, primary_key=True))
    """No foreign key: see migration 0016."""
    feature: str = Field(sa_column=Column(Text, primary_key=True))
    day: date = Field(sa_column=Column(Date, primary_key=True))
    times: int = Field(default=1, sa_column=Column(Integer, nullable=False, server_default=text("1")))
