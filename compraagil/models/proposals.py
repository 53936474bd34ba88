"""Proposals a company had written for a tender, and every version of their text."""

from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, Text, Uuid
from sqlmodel import Field, SQLModel

from compraagil.models.columns import cascade_fk, now_column


class Proposal(SQLModel, table=True):
    """One proposal: its tender, `status` (pendiente, lista, fallida), who wrote the first version
    (`writer`: gemini or plantilla) and why when it fell back (`note`). Its id (a random UUID) is
    also its job's."""

    __tablename__ = "proposals"
    __table_args__ = (Index("ix_proposals_company_created", "company_id", "created_at"),)

    id: str = Field(sa_column=Column(Uuid(as_uuid=False), primary_key=True))
    company_id: int = Field(sa_column=cascade_fk("companies.id"))
    user_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"))
    )
    tender_codigo: str = Field(sa_column=Column(Text, nullable=False))
    title: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(
        default="pendiente", sa_column=Column(Text, nullable=False, server_default="pendiente")
    )
    writer: str | None = Field(default=None, sa_column=Column(Text))
    note: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime | None = Field(default=None, sa_column=now_column())
    finished_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class ProposalVersion(SQLModel, table=True):
    """One version of a proposal's text (`source`: gemini, plantilla or edicion)."""

    __tablename__ = "proposal_versions"

    proposal_id: str = Field(
        sa_column=Column(
            Uuid(as_uuid=False), ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True
        )
    )
    version: int = Field(sa_column=Column(Integer, primary_key=True))
    body: str = Field(sa_column=Column(Text, nullable=False))
    source: str = Field(sa_column=Column(Text, nullable=False))
    user_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"))
    )
    created_at: datetime | None = Field(default=None, sa_column=now_column())
