"""Monthly partitions of the quotes history, created on demand before rows arrive."""

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Connection, text

HISTORY_TABLES = ("quotes", "quote_lines")


def ensure_month_partitions(conn: Connection, days: Iterable[date]) -> list[str]:
    """Create the partitions of `quotes` and `quote_lines` for the months of `days` that lack
    them; returns their names."""
    months = sorted({day.replace(day=1) for day in days})
    return [
        conn.execute(
            text("SELECT ensure_month_partition(:table, :month)"), {"table": table, "month": month}
        ).scalar_one()
        for month in months
        for table in HISTORY_TABLES
    ]
