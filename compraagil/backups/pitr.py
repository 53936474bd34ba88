"""Point-in-time recovery: the server archives every finished WAL segment, compressed, into a folder
(`archiving_settings`); a base backup (`take_base_backup`) plus that archive bring the database back as
it was at any moment since the backup (`restore_to`), then open it for writes on a new timeline.
`prune_wal_archive` deletes the segments no kept base backup needs.

The programs are those of the embedded PostgreSQL wheel (the server's major version); compose runs the
production server with the same `archiving_settings` (tests/unit/test_compose.py checks it)."""

import re
import shlex
import subprocess
import tarfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from compraagil.backups.service import STAMP, run_tool, server_program
from compraagil.errors import InvalidInput

ARCHIVE_TIMEOUT_SECONDS = 300
"""A quiet database still closes (and so archives) its current segment at least this often."""
BASE_PREFIX = "base-"
BASE_BACKUP_OPTIONS = [
    "--format=tar",
    "--gzip",
    "--wal-method=stream",
    "--checkpoint=fast",
    "--manifest-checksums=SHA256",
]
"""base.tar.gz, pg_wal.tar.gz (the WAL the backup needs to be consistent) and backup_manifest."""
START_TIME = re.compile(r"^START TIME: (\S+ \S+) (\S+)$", re.MULTILINE)
START_WAL = re.compile(r"^START WAL LOCATION: .*\(file ([0-9A-F]{24})\)$", re.MULTILINE)
NUMERIC_ZONE = re.compile(r"^([+-])(\d{2}):?(\d{2})?$")


def archiving_settings(wal_archive: Path) -> dict[str, str]:
    """Server settings that archive each finished WAL segment into `wal_archive` as `<segment>.gz`:
    written under a temporary name, synced, then renamed, so the archive never holds half a segment.
    An archived segment is never replaced: the same one again counts as archived, another one fails."""
    archived = f"{shlex.quote(str(wal_archive))}/%f.gz"
    return {
        "wal_level": "replica",
        "archive_mode": "on",
        "archive_timeout": str(ARCHIVE_TIMEOUT_SECONDS),
        "archive_command": (
            f"test ! -f {archived} && gzip -c %p > {archived}.tmp && sync {archived}.tmp"
            f" && mv {archived}.tmp {archived} || gzip -dc {archived} | cmp -s - %p"
        ),
    }


def recovery_settings(wal_archive: Path, target_time: datetime) -> dict[str, str]:
    """Replay WAL from `wal_archive` up to `target_time` (commits after it are left out), then promote.
    A file not in the archive fails quietly: recovery asks for some that never existed (the next
    timeline's history, the segment after the last)."""
    archived = f"{shlex.quote(str(wal_archive))}/%f.gz"
    return {
        "restore_command": f"test -f {archived} && gzip -dc {archived} > %p",
        "recovery_target_time": target_time.isoformat(sep=" "),
        "recovery_target_action": "promote",
    }


def take_base_backup(*, database: str, directory: Path, now: datetime | None = None) -> Path:
    """pg_basebackup of the server of `database` (a libpq URL, as a user with REPLICATION) into
    `directory/base-<UTC time>`, written under a temporary name and verified before it gets its own."""
    now = now or datetime.now(UTC)
    directory.mkdir(parents=True, exist_ok=True)
    folder = directory / f"{BASE_PREFIX}{now:{STAMP}}"
    partial = folder.with_name(f"{folder.name}.partial")
    run_tool(
        [
            server_program("pg_basebackup"),
            *BASE_BACKUP_OPTIONS,
            f"--pgdata={partial}",
            f"--dbname={database}",
        ],
        "pg_basebackup",
    )
    _verify(partial)
    partial.rename(folder)
    return folder


def _verify(base_backup: Path) -> None:
    """pg_verifybackup: every file against the manifest's checksums (WAL is checked by replaying it)."""
    done = subprocess.run(
        [server_program("pg_verifybackup"), "--no-parse-wal", "--quiet", str(base_backup)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise InvalidInput(
            f"El respaldo base {base_backup.name} no coincide con su manifiesto: "
            f"{done.stderr.strip() or done.returncode}"
        )


def _backup_label(base_backup: Path) -> str:
    try:
        with tarfile.open(base_backup / "base.tar.gz") as tar:
            return tar.extractfile("backup_label").read().decode()
    except (OSError, KeyError, tarfile.TarError) as error:
        raise InvalidInput(f"{base_backup} no es un respaldo base legible: {error}") from error


def _zone(name: str) -> timezone:
    """The zone of backup_label's START TIME (the server's log_timezone): UTC or a numeric offset."""
    if name in ("UTC", "GMT"):
        return UTC
    if not (numeric := NUMERIC_ZONE.match(name)):
        raise InvalidInput(f"No se entiende la zona horaria «{name}» del respaldo base.")
    sign, hours, minutes = numeric.groups()
    offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
    return timezone(offset if sign == "+" else -offset)


def _started_at(base_backup: Path) -> datetime:
    """When the base backup began (its backup_label); it cannot restore a moment before that (nor one
    while it was being taken: PostgreSQL refuses to stop before the backup's end)."""
    moment, zone = START_TIME.search(_backup_label(base_backup)).groups()
    return datetime.fromisoformat(moment).replace(tzinfo=_zone(zone))


def restore_to(base_backup: Path, wal_archive: Path, target_time: datetime, new_data_dir: Path) -> None:
    """Lay out `base_backup` in the empty `new_data_dir`, set to replay `wal_archive` (the path the
    server will read) up to `target_time` and then open for writes: starting PostgreSQL on it recovers.

    InvalidInput for a time without its zone or before the base backup, a base backup that does not
    match its manifest, a missing archive or a folder that is not empty; nothing is written then."""
    if target_time.tzinfo is None:
        raise InvalidInput("Indica la hora con su zona horaria, por ejemplo 2026-03-02 14:05:00-03:00.")
    if new_data_dir.exists() and any(new_data_dir.iterdir()):
        raise InvalidInput(f"La carpeta {new_data_dir} no está vacía: restaura en una carpeta nueva o vacía.")
    if not wal_archive.is_dir():
        raise InvalidInput(f"No existe el archivo de WAL {wal_archive}.")
    started = _started_at(base_backup)
    if target_time < started:
        raise InvalidInput(
            f"La hora pedida ({target_time.isoformat(sep=' ')}) es anterior al respaldo base "
            f"{base_backup.name} (comenzó {started.isoformat(sep=' ')}): usa un respaldo base anterior."
        )
    _verify(base_backup)
    _lay_out(base_backup, new_data_dir)
    settings = recovery_settings(wal_archive, target_time)
    with (new_data_dir / "postgresql.auto.conf").open("a") as conf:
        conf.write("# point-in-time recovery (compraagil.backups.pitr)\n")
        conf.writelines(f"{name} = {_quoted(value)}\n" for name, value in settings.items())
    (new_data_dir / "recovery.signal").touch()


def _lay_out(base_backup: Path, data_dir: Path) -> None:
    """Extract the backup's files and WAL into `data_dir`, private to their owner as PostgreSQL wants."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    with tarfile.open(base_backup / "base.tar.gz") as tar:
        tar.extractall(data_dir, filter=_private_data)
    with tarfile.open(base_backup / "pg_wal.tar.gz") as tar:
        tar.extractall(data_dir / "pg_wal", filter=_private_data)
    # a socket's lock file, copied when the server keeps its socket in the data folder (the embedded
    # one does), names the source's process and would stop the restored server from starting
    for lock in data_dir.glob(".s.PGSQL.*.lock"):
        lock.unlink()


def _private_data(member: tarfile.TarInfo, destination: str) -> tarfile.TarInfo:
    """tarfile's "data" filter (nothing outside the destination), with folders kept at 0700."""
    member = tarfile.data_filter(member, destination)
    return member.replace(mode=0o700, deep=False) if member.isdir() else member


def _quoted(value: str) -> str:
    """A string as postgresql.conf writes it."""
    return "'" + value.replace("'", "''") + "'"


def prune_wal_archive(wal_archive: Path, oldest_base_backup: Path) -> list[str]:
    """Delete the archived segments older than the oldest base backup kept needs; the names deleted."""
    first_needed = START_WAL.search(_backup_label(oldest_base_backup)).group(1)
    before = {path.name for path in wal_archive.iterdir()}
    run_tool(
        [server_program("pg_archivecleanup"), "-x", ".gz", str(wal_archive), first_needed],
        "pg_archivecleanup",
    )
    return sorted(before - {path.name for path in wal_archive.iterdir()})
