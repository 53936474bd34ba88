"""Command line: `python -m compraagil <command>`; `--help` lists the commands."""

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from compraagil.chile.money import format_count
from compraagil.logs import configure_logging
from compraagil.preflight import ConfigurationError


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

    return run()


def _migrate(args: argparse.Namespace) -> int:
    from compraagil import migrations

    if args.down:
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
    from compraagil.ingest.cot_import import ImportFailed, import_cot_file

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


def _import_month(args: argparse.Namespace) -> int:
    from compraagil.ingest.cot_import import ImportFailed
    from compraagil.ingest.download import MonthNotPublished, parse_month
    from compraagil.ingest.months import import_month

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
    from compraagil.config import get_settings
    from compraagil.ingest.api_v2.client import CompraAgilClient
    from compraagil.ingest.api_v2.sync import SyncFailed, sync_changes

    settings = get_settings()
    if not settings.mercadopublico_ticket:
        raise ConfigurationError(
            "MERCADOPUBLICO_TICKET: no está configurado; la sincronización necesita un ticket"
        )
    with CompraAgilClient(settings.mercadopublico_api_url, settings.mercadopublico_ticket) as client:
        try:
            print(sync_changes(client).line())
        except SyncFailed as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    return 0


def _seed(args: argparse.Namespace) -> int:
    from compraagil.ingest import demo

    for summary in demo.seed(rows=args.rows, seed=args.seed, open_tenders=args.open, now=datetime.now(UTC)):
        print(summary.line())
    return 0


def _load_api_json(args: argparse.Namespace) -> int:
    from compraagil.ingest.api_v2.files import import_json_files

    print(import_json_files(args.paths).line())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m compraagil", description="CompraAgil")
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, handler, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(handler=handler)
        return sub

    command("run", _run, "the whole product: services, workers, scheduler, web app")
    migrate = command("migrate", _migrate, "alembic upgrade (default head), or --down to a revision")
    migrate.add_argument("revision", nargs="?", default="head")
    migrate.add_argument("--down", action="store_true")
    command("stop-services", _stop_services, "stop the embedded PostgreSQL and Redis")
    imports = command("import", _import_files, "import COT open-data files (COT_<YYYY-MM>.zip or CSV)")
    imports.add_argument("paths", nargs="+", type=Path)
    month = command("import-month", _import_month, "download and import a month of COT open data")
    month.add_argument("month", help="AAAA-MM, e.g. 2026-03")
    command("sync", _sync, "sync changed processes from the Compra Ágil API v2 (needs MERCADOPUBLICO_TICKET)")
    seed = command("seed", _seed, "generate and import synthetic data (deterministic by seed)")
    seed.add_argument("--rows", type=int, default=200_000, help="history rows (quotes)")
    seed.add_argument("--seed", type=int, default=2026)
    seed.add_argument("--open", type=int, default=300, help="open tenders to add")
    load = command("load-api-json", _load_api_json, "load API v2 records saved as JSON files")
    load.add_argument("paths", nargs="+", type=Path)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging("cli")
    try:
        return args.handler(args)
    except (ConfigurationError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
