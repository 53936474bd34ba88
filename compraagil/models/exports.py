"""Excel exports a company asked for: the file lives under the data folder, one day."""

from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, Text, Uuid
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from compraagil.models.columns import cascade_fk, now_column


class Export(SQLModel, table=True):
    """One requested export: `kind` (busqueda, pipeline, resultados, precios) with its parameters,
    and its `status` (pendiente, lista, fallida). Its id (a random UUID) names the file and the job."""

    __tablename__ = "exports"
    __table_args__ = (
        Index("ix_exports_company_id", "company_id"),
        Index("ix_exports_created_at", "created_at"),
    )

    id: str = Field(sa_column=Column(Uuid(as_uuid=False), primary_key=True))
    company_id: int = Field(sa_column=cascade_fk("companies.id"))
    user_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"))
    )
    kind: str = Field(sa_column=Column(Text, nullable=False))
    params: dict = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False, server_default="{}"))
    status: str = Field(
        default="pendiente", sa_column=Column(Text, nullable=False, server_default="pendiente")
    )
    file_name: str = Field(sa_column=Column(Text, nullable=False))
    """What the browser saves it as («compraagil-pipeline-2026-10-03.xlsx»)."""
    rows: int | None = Field(default=None, sa_column=Column(Integer))
    created_at: datetime | None = Field(default=None, sa_column=now_column())
    finished_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
