"""The win model's versions and the history snapshot it scores with."""

from datetime import date, datetime

from sqlalchemy import Column, Date, DateTime, Float, Index, Integer, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel


class WinModel(SQLModel, table=True):
    """A trained version: its file, its data window and its evaluation on the later months."""

    __tablename__ = "win_models"

    version: str = Field(sa_column=Column(Text, primary_key=True))
    trained_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    )
    train_until: date = Field(sa_column=Column(Date, nullable=False))
    test_from: date = Field(sa_column=Column(Date, nullable=False))
    train_rows: int = Field(sa_column=Column(Integer, nullable=False))
    test_rows: int = Field(sa_column=Column(Integer, nullable=False))
    metrics: dict = Field(sa_column=Column(JSONB, nullable=False))
    path: str = Field(sa_column=Column(Text, nullable=False))


class WinSupplierStats(SQLModel, table=True):
    __tablename__ = "win_supplier_stats"

    supplier_id: int = Field(sa_column=Column(Integer, primary_key=True))
    quotes: int = Field(sa_column=Column(Integer, nullable=False))
    wins: int = Field(sa_column=Column(Integer, nullable=False))


class WinPairStats(SQLModel, table=True):
    __tablename__ = "win_pair_stats"
    __table_args__ = (Index("win_pair_stats_buyer", "buyer_id", text("quotes DESC")),)

    supplier_id: int = Field(sa_column=Column(Integer, primary_key=True))
    buyer_id: int = Field(sa_column=Column(Integer, primary_key=True))
    quotes: int = Field(sa_column=Column(Integer, nullable=False))
    wins: int = Field(sa_column=Column(Integer, nullable=False))


class WinBuyerStats(SQLModel, table=True):
    __tablename__ = "win_buyer_stats"

    buyer_id: int = Field(sa_column=Column(Integer, primary_key=True))
    avg_quotes: float = Field(sa_column=Column(Float, nullable=False))
    loyalty: float = Field(sa_column=Column(Float, nullable=False))
