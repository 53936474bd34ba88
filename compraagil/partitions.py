"""Monthly partitions of the quotes history, created on demand before rows arrive."""

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Connection, text


def ensure_month_partitions(conn: Connection, days: Iterable[date]) -> list[str]:
    """Create the partitions for the months of `days` that lack one; returns their names."""
    months = sorted({day.replace(day=1) for day in days})
    return [
        conn.execute(text("SELECT ensure_quotes_partition(:month)"), {"month": month}).scalar_one()
        for month in months
    ]
