"""`make run`: the whole product on one machine.

Starts (or reuses) the embedded PostgreSQL and Redis unless DATABASE_URL / REDIS_URL name real
servers, migrates, loads demo data into an empty database, then runs the RQ worker, the periodic
scheduler, the web app and (with TELEGRAM_TOKEN) the bot as child processes; a child that dies,
the embedded Redis included, is started again after a backoff (`compraagil.supervisor`). Ctrl-C or
SIGTERM stops every child, then the embedded servers.

With a `Scale` (`make scaled`), the web app and the database run as several machines would run
them: see `compraagil.scaled`.
"""

import logging
import shutil
import signal
import sys
from pathlib import Path

from compraagil import migrations
from compraagil.config import PROJECT_ROOT, Settings, child_environment, get_settings
from compraagil.errors import ConfigurationError
from compraagil.ingest.demo import seed_if_empty
from compraagil.preflight import check_database, check_redis
from compraagil.scaled import Scale
from compraagil.supervisor import Supervisor

log = logging.getLogger(__name__)

TOOLS_BIN = PROJECT_ROOT / ".tools" / "node_modules" / ".bin"


WEB_STATEMENT_TIMEOUT_SECONDS = 15
"""The web app's queries stop after this unless STATEMENT_TIMEOUT_SECONDS says otherwise."""


class Stop(Exception):
    """A signal asked us to stop."""


def _raise_stop(signum, frame) -> None:
    raise Stop


def _start_services(settings: Settings, supervisor: Supervisor):
    """The embedded PostgreSQL (None when DATABASE_URL names a server), the database's URL and
    Redis's, starting the embedded servers where none is configured."""
    from compraagil import devservices

    postgres = None
    if settings.database_url:
        database_url = check_database(settings.database_url)
    else:
        postgres = devservices.start_postgres(settings.data_dir / "postgres")
        supervisor.stoppers.append(postgres.stop)
        database_url = postgres.url
    if settings.redis_url:
        redis_url = check_redis(settings.redis_url)
    else:
        port = settings.embedded_redis_port
        supervisor.keep("redis", lambda: devservices.start_redis(settings.data_dir / "redis", port).process)
        redis_url = f"redis://127.0.0.1:{port}/0"
    return postgres, database_url, redis_url


def run(scale: Scale | None = None) -> int:
    """Bring the product up (as several machines would run it, with `scale`) and keep it up until
    stopped."""
    settings = get_settings()
    if scale and settings.database_url:
        raise ConfigurationError(
            "make scaled copies the embedded PostgreSQL into its replica: quita DATABASE_URL"
            " (DATA_DIR elige qué servidor embebido usar)"
        )
    supervisor = Supervisor()
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    try:
        postgres, database_url, redis_url = _start_services(settings, supervisor)
        migrations.upgrade(database_url)
        for summary in seed_if_empty():
            print(summary.line(), flush=True)
        smtp_url = _start_mail(settings, supervisor)
        payments_env = _start_dev_payments(settings, supervisor)
        _print_demo_login()
        env = child_environment(
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            PATH=f"{TOOLS_BIN}:{child_environment().get('PATH', '')}",
            REFLEX_TELEMETRY_ENABLED="false",
            REFLEX_WEB_WORKDIR=str(settings.data_dir / "web"),
            REFLEX_CHECK_LATEST_VERSION="false",
            SMTP_URL=smtp_url,
            **payments_env,
        )
        web_env = {
            "STATEMENT_TIMEOUT_SECONDS": str(WEB_STATEMENT_TIMEOUT_SECONDS),
            **env,
            "PROMETHEUS_MULTIPROC_DIR": str(_fresh_folder(settings.data_dir / "metrics-web")),
        }
        if scale:
            from compraagil.scaled import topology

            topology.start(
                scale, settings=settings, supervisor=supervisor, primary=postgres, env=env, web_env=web_env
            )
        else:
            _start_children(settings, supervisor, env, web_env)
        print(f"\nCompraAgil: http://localhost:{settings.web_port}/  (Ctrl-C para detener)\n", flush=True)
        return supervisor.watch()
    except Stop:
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        supervisor.stop_all()
        log.info("stopped")


def _start_children(settings: Settings, supervisor: Supervisor, env: dict, web_env: dict) -> None:
    """One worker, the scheduler, the bot (with a token) and one web process serving everything."""
    python = sys.executable
    supervisor.spawn("worker", [python, "-m", "jobs.worker"], env, PROJECT_ROOT)
    supervisor.spawn("scheduler", [python, "-m", "jobs.schedule"], env, PROJECT_ROOT)
    if settings.telegram_token:
        supervisor.spawn("bot", [python, "-m", "bot.main"], env, PROJECT_ROOT)
    supervisor.spawn("web", _web_command(settings.web_port), web_env, PROJECT_ROOT)


def _fresh_folder(folder: Path) -> Path:
    """An empty folder (the web app's metric files of an earlier run are gone)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _start_mail(settings: Settings, supervisor: Supervisor) -> str:
    """SMTP_URL when set; otherwise a local SMTP server that prints each email and keeps it in
    DATA_DIR/mail/ (development and tests)."""
    if settings.smtp_url:
        return settings.smtp_url
    from compraagil.mail.devserver import start_dev_mail_server

    server = start_dev_mail_server(settings.data_dir / "mail", settings.dev_smtp_port)
    supervisor.stoppers.append(server.stop)
    log.info("dev mail server on %s; messages in %s", server.url, server.folder)
    return server.url


def _start_dev_payments(settings: Settings, supervisor: Supervisor) -> dict[str, str]:
    """Without Flow or Stripe keys, a local «pago de prueba» server speaking both protocols: checkout
    goes through the same code with no real money. Its settings for the children, or none."""
    if settings.flow_api_key or settings.stripe_secret_key:
        return {}
    from compraagil.payments.devserver import start_dev_payments

    server = start_dev_payments(settings.dev_payments_port, settings.public_url)
    supervisor.stoppers.append(server.stop)
    log.info("dev payments (Flow and Stripe «pago de prueba») on port %s", server.port)
    return server.environment()


def _print_demo_login() -> None:
    """Create the demo company and user on PROFESIONAL when missing, and print its login that once."""
    from compraagil.accounts.demo import ensure_demo_account
    from compraagil.db import session_scope

    with session_scope() as session:
        created = ensure_demo_account(session=session)
    if created:
        email, password = created
        print(
            f"\nCuenta de demostración (plan Profesional): {email} / {password}"
            "\n(se muestra solo esta vez; `python -m compraagil seed-users` crea una por plan)\n",
            flush=True,
        )


def _web_command(port: int) -> list[str]:
    reflex = str(Path(sys.executable).with_name("reflex"))
    return [reflex, "run", "--env", "prod", "--single-port", "--frontend-port", str(port)]
