"""A company's saved tenders."""

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from compraagil.models.columns import now_column


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
    created_at: datetime | None = Field(default=None, sa_column=now_column())
    updated_at: datetime | None = Field(default=None, sa_column=now_column())
