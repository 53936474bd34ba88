"""A deploy's migration that cannot lose data: when the database holds rows, a backup is taken first;
after `alembic upgrade`, every table that had rows must still have at least as many, or the deploy
stops with the tables named and the backup to restore from."""

from pathlib import Path

from compraagil import migrations
from compraagil.backups.service import backup, table_counts
from compraagil.db import libpq_url, sqlalchemy_url
from compraagil.errors import ImportFailed


class DataLost(ImportFailed):
    """A migration left a table with fewer rows than it had."""


def lost_rows(before: dict[str, int], after: dict[str, int]) -> list[str]:
    """Tables that had rows and now have fewer (or are gone), as `name: before → after`."""
    return [
        f"{name}: {rows} → {after.get(name, 0)}"
        for name, rows in sorted(before.items())
        if rows and after.get(name, 0) < rows
    ]


def safe_upgrade(*, database: str, directory: Path | None = None) -> Path | None:
    """Back up (when there is data), upgrade to head, check no table lost rows; the backup's path."""
    database = libpq_url(database)
    before = table_counts(database)
    taken = backup(database=database, directory=directory).path if any(before.values()) else None
    migrations.upgrade(sqlalchemy_url(database))
    if lost := lost_rows(before, table_counts(database)):
        raise DataLost(
            "La migración dejó tablas con menos filas: "
            + "; ".join(lost)
            + (f". Restaura el respaldo {taken} en una base vacía." if taken else "")
        )
    return taken
