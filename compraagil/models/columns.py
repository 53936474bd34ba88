"""Column helpers shared by the model modules."""

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Integer, func, text


def now_column() -> Column:
    return Column(DateTime(timezone=True), nullable=False, server_default=func.now())


def server_default(value: str) -> dict:
    """Column options for a NOT NULL column the database fills with `value` (an SQL literal)."""
    return {"server_default": text(value)}


def cascade_fk(target: str, *, nullable: bool = False, big: bool = False) -> Column:
    """A foreign key column that goes with the row it points at (ON DELETE CASCADE)."""
    return Column(BigInteger if big else Integer, ForeignKey(target, ondelete="CASCADE"), nullable=nullable)
