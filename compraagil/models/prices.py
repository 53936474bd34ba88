"""The priced history by product key (migration 0023; kept by `compraagil.pricing.history`)."""

from datetime import date

from sqlalchemy import Boolean, Column, Date, Double, Index, Integer, SmallInteger, Table, Text, text
from sqlmodel import Field, SQLModel

PRICE_LINE_INCLUDE = ["price", "winner", "supplier_id", "buyer_id", "region"]


class PriceKey(SQLModel, table=True):
    """A product key (a name's first three product words) and the names that share it."""

    __tablename__ = "price_keys"
    __table_args__ = (
        Index("price_keys_trgm", "key", postgresql_using="gin", postgresql_ops={"key": "gin_trgm_ops"}),
    )

    key: str = Field(sa_column=Column(Text, primary_key=True))
    names: int
    plainest: str = Field(sa_column=Column(Text, nullable=False))


class PendingPriceMonth(SQLModel, table=True):
    """A month whose priced lines an import changed and the refresh has not rebuilt yet."""

    __tablename__ = "price_months_pending"

    month: date = Field(primary_key=True)


price_lines = Table(
    "price_lines",
    SQLModel.metadata,
    Column("key", Text, nullable=False),
    Column("closing_date", Date, nullable=False),
    Column("price", Double, nullable=False),
    Column("winner", Boolean, nullable=False),
    Column("supplier_id", Integer, nullable=False),
    Column("buyer_id", Integer),
    Column("region", SmallInteger),
    Column("sampled", Boolean, nullable=False),
    Index("price_lines_by_key", "key", "closing_date", postgresql_include=PRICE_LINE_INCLUDE),
    Index(
        "price_lines_sample",
        "key",
        "closing_date",
        postgresql_include=PRICE_LINE_INCLUDE,
        postgresql_where=text("sampled"),
    ),
    Index("price_lines_by_month", "closing_date"),
)
"""The priced lines (CLP, unit price above zero) by key: a table without identity of its own, a
month of it rebuilt at a time, so it has no ORM class."""
