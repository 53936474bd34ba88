"""The nightly backup (with its rotation), into DATA_DIR/backups: a volume of its own in compose."""

from compraagil.backups.service import backup
from compraagil.db import database_url, libpq_url


def nightly_backup() -> str:
    """Back up the database and apply the rotation; says which file and how many rows."""
    made = backup(database=libpq_url(database_url()))
    return (
        f"{made.path.name}: {sum(made.manifest['tables'].values())} filas, sha256 {made.manifest['sha256']}"
    )
