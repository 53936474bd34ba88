"""Import runs, the rows they rejected, and where the API sync stopped."""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Text,
)
from sqlmodel import Field, SQLModel

from compraagil.models.columns import now_column, server_default


class ImportRun(SQLModel, table=True):
    """One import or sync, with what it read and what became of each row."""

    __tablename__ = "import_runs"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="running", sa_column=Column(Text, nullable=False, server_default="running"))
    started_at: datetime | None = Field(default=None, sa_column=now_column())
    finished_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    rows_read: int = Field(default=0, sa_column_kwargs=server_default("0"))
    rows_inserted: int = Field(default=0, sa_column_kwargs=server_default("0"))
    rows_updated: int = Field(default=0, sa_column_kwargs=server_default("0"))
    rows_unchanged: int = Field(default=0, sa_column_kwargs=server_default("0"))
    rows_duplicates: int = Field(default=0, sa_column_kwargs=server_default("0"))
    rows_rejected: int = Field(default=0, sa_column_kwargs=server_default("0"))
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
    updated_at: datetime | None = Field(default=None, sa_column=now_column())
