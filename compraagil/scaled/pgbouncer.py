"""PgBouncer (Debian's package) before the primary and its replica, with three pools:

- `compraagil`, the web app's: transaction pooling, so many web processes share a few server
  connections; the web app's statement timeout;
- `compraagil_reads`, the same on the replica, for search and price reads;
- `compraagil_jobs`, the workers': session pooling, since imports keep temporary tables and settings
  across transactions.

Each server connection gets `compraagil.db.SESSION_SETTINGS` when it opens, since PgBouncer 1.18
cannot pass a client's own options on. Clients log in as the servers' user: with its password when
the servers have one (compose), trusted on loopback otherwise (`make scaled`)."""

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict

from compraagil.db import SESSION_SETTINGS, libpq_url
from compraagil.devservices import DATABASE_NAME

WEB, READS, JOBS = DATABASE_NAME, f"{DATABASE_NAME}_reads", f"{DATABASE_NAME}_jobs"
SERVER_CONNECTIONS = 20
"""Per pool: PostgreSQL's default 100 connections hold the three pools with room for the admin."""


@dataclass(frozen=True)
class Server:
    """Where a PostgreSQL server listens (a host, or a socket folder) and who logs in."""

    host: str
    port: int
    user: str
    password: str | None

    @classmethod
    def of(cls, url: str) -> "Server":
        info = conninfo_to_dict(libpq_url(url))
        return cls(
            host=info.get("host") or "localhost",
            port=int(info.get("port") or 5432),
            user=info.get("user") or "postgres",
            password=info.get("password") or None,
        )


def settings_query(statement_timeout_seconds: int | None) -> str:
    """The SET statements every new server connection of a pool runs (quotes doubled for the file)."""
    settings = dict(SESSION_SETTINGS)
    if statement_timeout_seconds:
        settings["statement_timeout"] = f"{statement_timeout_seconds}s"
    return "; ".join(f"SET {name} = ''{value}''" for name, value in settings.items())


def configuration(
    *, folder: Path, listen: str, port: int, primary: Server, replica: Server, web_timeout_seconds: int | None
) -> str:
    """pgbouncer.ini: the three pools on `listen`:`port`."""

    def pool(server: Server, mode: str, timeout: int | None) -> str:
        password = f" password={server.password}" if server.password else ""
        return (
            f"host={server.host} port={server.port} dbname={DATABASE_NAME} user={server.user}{password} "
            f"pool_mode={mode} connect_query='{settings_query(timeout)}'"
        )

    return f"""[databases]
{WEB} = {pool(primary, "transaction", web_timeout_seconds)}
{READS} = {pool(replica, "transaction", web_timeout_seconds)}
{JOBS} = {pool(primary, "session", None)}

[pgbouncer]
listen_addr = {listen}
listen_port = {port}
unix_socket_dir =
auth_type = {"scram-sha-256" if primary.password else "trust"}
auth_file = {folder / "userlist.txt"}
admin_users = {primary.user}
stats_users = {primary.user}
default_pool_size = {SERVER_CONNECTIONS}
max_client_conn = 2000
ignore_startup_parameters = options,extra_float_digits
log_connections = 0
log_disconnections = 0
stats_period = 300
logfile = {folder / "pgbouncer.log"}
pidfile = {folder / "pgbouncer.pid"}
"""


def write(
    *, folder: Path, listen: str, port: int, primary: Server, replica: Server, web_timeout_seconds: int | None
) -> Path:
    """pgbouncer.ini and its user list in `folder` (private: they may hold the password); the .ini."""
    folder.mkdir(parents=True, exist_ok=True)
    users = folder / "userlist.txt"
    users.write_text(f'"{primary.user}" "{primary.password or ""}"\n')
    ini = folder / "pgbouncer.ini"
    ini.write_text(
        configuration(
            folder=folder, listen=listen, port=port, primary=primary, replica=replica,
            web_timeout_seconds=web_timeout_seconds,
        )
    )  # fmt: skip
    for path in (users, ini):
        path.chmod(0o600)
    return ini


def command(ini: Path) -> list[str]:
    return [shutil.which("pgbouncer") or "/usr/sbin/pgbouncer", "--quiet", str(ini)]


def start(
    *,
    folder: Path,
    port: int,
    primary: Server,
    replica: Server,
    web_timeout_seconds: int | None,
    user: str | None,
) -> subprocess.Popen:
    """PgBouncer on 127.0.0.1:`port`, in the foreground; as `user` (the embedded servers' own), since
    it refuses to run as root."""
    ini = write(
        folder=folder, listen="127.0.0.1", port=port, primary=primary, replica=replica,
        web_timeout_seconds=web_timeout_seconds,
    )  # fmt: skip
    if user:
        for path in (folder, *folder.iterdir()):
            shutil.chown(path, user, user)
    return subprocess.Popen(command(ini), user=user, start_new_session=True, stdin=subprocess.DEVNULL)


def url(port: int, pool: str) -> str:
    """The SQLAlchemy URL of `pool` through the loopback PgBouncer of `make scaled`."""
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/{pool}"
