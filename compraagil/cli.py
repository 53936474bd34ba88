"""Command line: `python -m compraagil <command>`."""

import argparse
import sys

from compraagil.logs import configure_logging
from compraagil.preflight import ConfigurationError


def _run(args: argparse.Namespace) -> int:
    from compraagil.devrun import run

    return run()


def _migrate(args: argparse.Namespace) -> int:
    from compraagil import migrations

    if args.revision == "base" or args.down:
        migrations.downgrade(revision=args.revision)
    else:
        migrations.upgrade(revision=args.revision)
    return 0


def _stop_services(args: argparse.Namespace) -> int:
    from compraagil.config import get_settings
    from compraagil.devservices import stop_embedded

    stop_embedded(get_settings())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m compraagil", description="CompraAgil")
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("run", help="the whole product: services, workers, scheduler, web app").set_defaults(
        handler=_run
    )
    migrate = commands.add_parser("migrate", help="alembic upgrade (default head) or downgrade")
    migrate.add_argument("revision", nargs="?", default="head")
    migrate.add_argument("--down", action="store_true", help="downgrade to the revision")
    migrate.set_defaults(handler=_migrate)
    commands.add_parser("stop-services", help="stop the embedded PostgreSQL and Redis").set_defaults(
        handler=_stop_services
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging("cli")
    try:
        return args.handler(args)
    except ConfigurationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
