"""Keys to the REST API and the MCP server."""

from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, Text
from sqlmodel import Field, SQLModel

from compraagil.models.columns import now_column


class ApiKey(SQLModel, table=True):
    """A company's key, made by one of its users: only its SHA-256 and its first characters are kept."""

    __tablename__ = "api_keys"
    __table_args__ = (Index("ix_api_keys_company_id", "company_id"),)

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(
        sa_column=Column(Integer, ForeignKey("companies.id", ondelete="CASCADE"), nullable=False)
    )
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    )
    name: str = Field(sa_column=Column(Text, nullable=False))
    prefix: str = Field(sa_column=Column(Text, nullable=False))
    """The key's first characters, shown in Cuenta so a person can tell their keys apart."""
    key_hash: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    created_at: datetime | None = Field(default=None, sa_column=now_column())
    last_used_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
