"""Command line: `python -m compraagil <command>`; `--help` lists the commands."""

import argparse
import logging
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from compraagil import cli_operations as operations
from compraagil.chile.money import format_count
from compraagil.errors import CompraAgilError, ConfigurationError
from compraagil.logs import configure_logging
from compraagil.scaled import Scale

log = logging.getLogger(__name__)


class TerminalProgress:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal."""

    WIDTH = 30

    def __init__(self, label: str):
        self.label = label
        self.started = time.monotonic()
        self.enabled = sys.stderr.isatty()

    def __call__(self, rows: int, fraction: float) -> None:
        if not self.enabled:
            return
        filled = int(self.WIDTH * fraction)
        rate = rows / max(1e-9, time.monotonic() - self.started)
        bar = "█" * filled + "░" * (self.WIDTH - filled)
        print(
            f"\r{self.label} {bar} {fraction:4.0%}  {format_count(rows)} filas  {format_count(round(rate))} filas/s",
            end="",
            file=sys.stderr,
        )

    def done(self) -> None:
        if self.enabled:
            print(file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    from compraagil.devrun import run

    return run(Scale(web=args.web, workers=args.workers) if args.scaled else None)


def _migrate(args: argparse.Namespace) -> int:
    from compraagil import migrations

    if args.deploy:
        from compraagil.backups.deploy import safe_upgrade
        from compraagil.db import database_url

        taken = safe_upgrade(database=database_url())
        print(f"migrado a la última versión; respaldo previo: {taken or 'no hacía falta (base vacía)'}")
    elif args.down:
        migrations.downgrade(revision=args.revision)
    else:
        migrations.upgrade(revision=args.revision)
    return 0


def _stop_services(args: argparse.Namespace) -> int:
    from compraagil.config import get_settings
    from compraagil.devservices import stop_embedded

    stop_embedded(get_settings())
    return 0


def _import_files(args: argparse.Namespace) -> int:
    from compraagil.errors import ImportFailed
    from compraagil.ingest.cot.importer import import_cot_file

    failed = 0
    for path in args.paths:
        progress = TerminalProgress(Path(path).name)
        try:
            summary = import_cot_file(Path(path), progress=progress)
        except ImportFailed as error:
            progress.done()
            print(f"error: {error}", file=sys.stderr)
            failed += 1
            continue
        progress.done()
        print(summary.line())
    return 1 if failed else 0


def _embed(args: argparse.Namespace) -> int:
    from compraagil.alerts import semantic
    from compraagil.db import session_scope
    from compraagil.embeddings.providers import get_embedder
    from compraagil.embeddings.store import count_pending, embed_pending

    embedder = get_embedder()
    progress = TerminalProgress(f"Embeddings ({embedder.model})")
    with session_scope() as session:
        pending = count_pending(session=session, embedder=embedder)
        total = min(pending, args.limit) if args.limit else pending
        done = embed_pending(
            session=session,
            embedder=embedder,
            limit=args.limit,
            progress=lambda rows: progress(rows, rows / total if total else 1.0),
        )
        progress.done()
        notices = semantic.match_new_tenders(session=session, embedder=embedder)
    print(f"{format_count(done)} Compras Ágiles con embedding nuevo; faltaban {format_count(pending)}")
    print(f"{format_count(notices)} avisos nuevos de alertas por significado")
    return 0


def _import_month(args: argparse.Namespace) -> int:
    from compraagil.errors import ImportFailed
    from compraagil.ingest.cot.download import MonthNotPublished, parse_month
    from compraagil.ingest.cot.months import import_month

    month = parse_month(args.month)
    progress = TerminalProgress(f"COT_{month:%Y-%m}")
    try:
        summary = import_month(month, progress=progress)
    except (MonthNotPublished, ImportFailed) as error:
        progress.done()
        print(f"error: {error}", file=sys.stderr)
        return 1
    progress.done()
    print(summary.line())
    return 0


def _sync(args: argparse.Namespace) -> int:
    from compraagil.ingest.api_v2.sync import SyncFailed, parse_since, sync_from_settings

    since = parse_since(args.since) if args.since else None
    progress = TerminalProgress("API v2")
    try:
        summary = sync_from_settings(since=since, progress=progress)
    except SyncFailed as error:
        progress.done()
        print(f"error: {error}", file=sys.stderr)
        return 1
    progress.done()
    print(summary.line())
    return 0


def _seed(args: argparse.Namespace) -> int:
    from compraagil.ingest import demo

    for summary in demo.seed(rows=args.rows, seed=args.seed, open_tenders=args.open, now=datetime.now(UTC)):
        print(summary.line())
    return 0


def _load_api_json(args: argparse.Namespace) -> int:
    from compraagil.ingest.api_v2.files import UnreadableJson, import_json_files

    try:
        print(import_json_files(args.paths).line())
    except UnreadableJson as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def _stats(args: argparse.Namespace) -> int:
    import json

    from compraagil.dashboard.holdings import holdings
    from compraagil.db import session_scope

    with session_scope() as session:
        figures = holdings(session=session)
    print(json.dumps(figures.as_json(), ensure_ascii=False) if args.json else "\n".join(figures.lines()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m compraagil", description="CompraAgil")
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, handler, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(handler=handler)
        return sub

    runs = command("run", _run, "the whole product: services, workers, scheduler, web app")
    runs.add_argument(
        "--scaled",
        action="store_true",
        help="as several machines run it: nginx, several web processes, PgBouncer, a read replica",
    )
    runs.add_argument("--web", type=int, default=Scale.web, help="web processes (with --scaled)")
    runs.add_argument("--workers", type=int, default=Scale.workers, help="RQ workers (with --scaled)")
    proxy = command(
        "proxy",
        operations.run_proxy,
        "nginx or PgBouncer configured for the scaled topology, in the foreground (compose)",
    )
    proxy.add_argument("program", choices=["nginx", "pgbouncer"])
    proxy.add_argument("--listen", default="0.0.0.0", help="the address to listen on")
    proxy.add_argument("--port", type=int, required=True)
    proxy.add_argument("--backend", action="append", default=[], help="nginx: a web process, host:port")
    proxy.add_argument("--static", type=Path, help="nginx: the built frontend's files")
    migrate = command("migrate", _migrate, "alembic upgrade (default head), or --down to a revision")
    migrate.add_argument("revision", nargs="?", default="head")
    migrate.add_argument("--down", action="store_true")
    migrate.add_argument(
        "--deploy",
        action="store_true",
        help="back up first when there is data, then check no table lost rows",
    )
    command("stop-services", _stop_services, "stop the embedded PostgreSQL and Redis")
    imports = command("import", _import_files, "import COT open-data files (COT_<YYYY-MM>.zip or CSV)")
    imports.add_argument("paths", nargs="+", type=Path)
    month = command("import-month", _import_month, "download and import a month of COT open data")
    month.add_argument("month", help="AAAA-MM, e.g. 2026-03")
    sync = command(
        "sync",
        _sync,
        "sync changed processes from the Compra Ágil API v2 (needs MERCADOPUBLICO_TICKET);"
        " the first run covers the last 2 days",
    )
    sync.add_argument(
        "--since", metavar="AAAA-MM-DD", help="backfill every change since that day (resumable)"
    )
    seed = command("seed", _seed, "generate and import synthetic data (deterministic by seed)")
    seed.add_argument("--rows", type=int, default=200_000, help="history rows (quotes)")
    seed.add_argument("--seed", type=int, default=2026)
    seed.add_argument("--open", type=int, default=300, help="open tenders to add")
    embed = command(
        "embed",
        _embed,
        "embed tenders for search by meaning: the missing and changed ones, newest first (resumable)",
    )
    embed.add_argument("--limit", type=int, help="at most this many tenders")
    backups = command(
        "backup",
        operations.run_backup,
        "pg_dump with checksum and manifest; keeps 7 daily, 4 weekly, 12 monthly",
    )
    backups.add_argument("--dir", type=Path, help="where (default DATA_DIR/backups)")
    restores = command(
        "restore",
        operations.run_restore,
        "restore a backup into an empty database, checked against its manifest",
    )
    restores.add_argument("file", type=Path)
    restores.add_argument("--database-url", help="the empty database to restore into (default DATABASE_URL)")
    load = command("load-api-json", _load_api_json, "load API v2 records saved as JSON files")
    load.add_argument("paths", nargs="+", type=Path)
    command(
        "seed-users",
        operations.run_seed_users,
        "create one demo user per plan (<plan>@demo.compraagil.cl)",
    )
    users = command(
        "users", operations.run_users, "create an account, or make one staff (admin pages) or not"
    )
    users.add_argument("action", choices=["create", "staff", "unstaff"])
    users.add_argument("email")
    users.add_argument("--password", help="create: the password (default: a random one, printed)")
    users.add_argument("--plan", default="FREE", choices=["FREE", "EMPRENDEDOR", "PYME", "PROFESIONAL"])
    users.add_argument("--company", default="", help="create: the company's name")
    users.add_argument("--staff", action="store_true", help="create: as staff")
    command(
        "train-win-model",
        operations.run_train_win_model,
        "train and evaluate the win model on a time split (the newest 3 months are the test), and use it",
    )
    command(
        "subscriptions",
        operations.run_subscriptions,
        "end, put in grace and remind the subscriptions due now (the scheduler does it every minute)",
    )
    stats = command("stats", _stats, "what the database holds: counts, amounts, months covered")
    stats.add_argument("--json", action="store_true", help="one JSON object, for scripts")
    return parser


DATABASE_COMMANDS = frozenset(
    {
        "import",
        "import-month",
        "sync",
        "load-api-json",
        "seed",
        "stats",
        "seed-users",
        "users",
        "embed",
        "subscriptions",
        "train-win-model",
    }
)
"""Commands that use the database: its schema is brought up to date before they run."""


def _ensure_schema() -> None:
    """Migrate the database when it is behind this code's newest revision (e.g. a fresh data folder);
    in production say so instead (migrations there are a deploy step)."""
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from compraagil import migrations
    from compraagil.config import PROJECT_ROOT, get_settings
    from compraagil.db import get_engine

    script = ScriptDirectory.from_config(Config(str(PROJECT_ROOT / "alembic.ini")))
    with get_engine().connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    if current == set(script.get_heads()):
        return
    known = {revision.revision for revision in script.walk_revisions()}
    if not current <= known:
        raise ConfigurationError(
            f"la base de datos está en la revisión {', '.join(sorted(current))}, que este código no conoce:"
            " actualice el código"
        )
    if get_settings().production:  # a deploy migrates on purpose (compose's `migrate`), never a side effect
        raise ConfigurationError(
            "la base de datos no está al día con este código: ejecute `python -m compraagil migrate`"
        )
    log.info("migrating the database before the command", extra={"from": sorted(current)})
    migrations.upgrade()


def _one_line(error: BaseException) -> str:
    """The first line of an error's message (its type when it has none)."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging("cli")
    try:
        if args.command in DATABASE_COMMANDS:
            _ensure_schema()
        return args.handler(args)
    except (CompraAgilError, ValueError) as error:
        print(f"error: {_one_line(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrumpido", file=sys.stderr)
        return 130
    except Exception as error:
        log.debug("command failed", exc_info=True)
        print(
            f"error: falló inesperadamente ({type(error).__name__}): {_one_line(error)}"
            " (LOG_LEVEL=DEBUG muestra el detalle)",
            file=sys.stderr,
        )
        return 1
