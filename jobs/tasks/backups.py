"""The nightly backup (with its rotation), into DATA_DIR/backups: a volume of its own in compose;
also copied off the machine when BACKUP_S3_BUCKET is set (a failed copy fails the job, so it is
retried and alerted, while the local backup stands)."""

from compraagil.backups.service import backup
from compraagil.db import database_url, libpq_url


def nightly_backup() -> str:
    """Back up the database and apply the rotation; says which file and how many rows."""
    made = backup(database=libpq_url(database_url()))
    copied = f"; copia en {made.offsite}" if made.offsite else ""
    return f"{made.path.name}: {sum(made.manifest['tables'].values())} filas, sha256 {made.manifest['sha256']}{copied}"
