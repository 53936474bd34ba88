"""Start the scaled topology's parts under `make run`'s supervisor: the replica, PgBouncer, the
workers and scheduler on PgBouncer's session pool, the frontend built once, several web processes
(Reflex backends sharing state in Redis) on its transaction pools, and nginx before them."""

import socket
import subprocess
import sys
import time
from pathlib import Path

from compraagil.config import PROJECT_ROOT, Settings
from compraagil.devservices import EmbeddedPostgres, free_port, start_replica
from compraagil.scaled import Scale, nginx, pgbouncer
from compraagil.supervisor import Supervisor

STATIC_FILES = Path("build") / "client"
"""Where `reflex export` leaves the built frontend, under the web folder."""


def start(
    scale: Scale,
    *,
    settings: Settings,
    supervisor: Supervisor,
    primary: EmbeddedPostgres,
    env: dict[str, str],
    web_env: dict[str, str],
) -> None:
    """Start every part; `env` is the workers', `web_env` the web processes' (with the embedded
    servers' URLs, replaced here by PgBouncer's)."""
    replica = start_replica(primary, settings.data_dir / "postgres-replica")
    supervisor.stoppers.append(replica.stop)
    bouncer_port = free_port()
    timeout = int(web_env["STATEMENT_TIMEOUT_SECONDS"])
    supervisor.keep(
        "pgbouncer",
        lambda: pgbouncer.start(
            folder=settings.data_dir / "scaled" / "pgbouncer",
            port=bouncer_port,
            primary=pgbouncer.Server.of(primary.url),
            replica=pgbouncer.Server.of(replica.url),
            web_timeout_seconds=timeout,
            user=primary.system_user,
        ),
    )
    _wait_for_port(bouncer_port, "pgbouncer")
    jobs_env = {**env, "DATABASE_URL": pgbouncer.url(bouncer_port, pgbouncer.JOBS)}
    python = sys.executable
    for number in range(1, scale.workers + 1):
        supervisor.spawn(f"worker-{number}", [python, "-m", "jobs.worker"], jobs_env, PROJECT_ROOT)
    supervisor.spawn("scheduler", [python, "-m", "jobs.schedule"], jobs_env, PROJECT_ROOT)
    if settings.telegram_token:
        supervisor.spawn("bot", [python, "-m", "bot.main"], jobs_env, PROJECT_ROOT)
    shared_env = {
        **web_env,
        "DATABASE_URL": pgbouncer.url(bouncer_port, pgbouncer.WEB),
        "READ_DATABASE_URL": pgbouncer.url(bouncer_port, pgbouncer.READS),
        "DATABASE_POOLED": "true",
        "REFLEX_STATE_MANAGER_MODE": "redis",
        "REFLEX_REDIS_URL": web_env["REDIS_URL"],
        "REFLEX_API_URL": settings.public_url,
        "GRANIAN_WORKERS": "1",
        "TRUSTED_PROXIES": "127.0.0.1/32",
    }
    _build_frontend(shared_env)
    reflex = str(Path(python).with_name("reflex"))
    ports = [free_port() for _ in range(scale.web)]
    for number, port in enumerate(ports, 1):
        command = [
            reflex,
            "run",
            "--env",
            "prod",
            "--backend-only",
            "--backend-host",
            "127.0.0.1",
            "--backend-port",
            str(port),
        ]
        supervisor.spawn(f"web-{number}", command, shared_env, PROJECT_ROOT)
    for port in ports:
        _wait_for_port(port, "web", seconds=120)
    static_dir = Path(shared_env["REFLEX_WEB_WORKDIR"]) / STATIC_FILES
    supervisor.keep(
        "nginx",
        lambda: nginx.start(
            folder=settings.data_dir / "scaled" / "nginx",
            port=settings.web_port,
            static_dir=static_dir,
            backend_ports=ports,
        ),
    )
    _wait_for_port(settings.web_port, "nginx")


def _build_frontend(env: dict[str, str]) -> None:
    """The frontend's static files, once for every web process (they call the backend at PUBLIC_URL)."""
    reflex = str(Path(sys.executable).with_name("reflex"))
    subprocess.run([reflex, "export", "--frontend-only", "--no-zip"], env=env, cwd=PROJECT_ROOT, check=True)


def _wait_for_port(port: int, name: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.2)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{name} did not start listening on port {port} within {seconds:.0f} s")
