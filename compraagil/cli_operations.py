"""The operators' commands of `python -m compraagil` (see compraagil/cli.py): backups and restores,
accounts, subscriptions due now, and the win model."""

import argparse

from compraagil.chile.money import format_count


def run_backup(args: argparse.Namespace) -> int:
    from compraagil.backups.service import backup
    from compraagil.db import database_url, libpq_url

    made = backup(database=libpq_url(database_url()), directory=args.dir)
    rows = sum(made.manifest["tables"].values())
    size = format_count(round(made.manifest["bytes"] / 1e6))
    print(
        f"respaldo {made.path} · {size} MB · {format_count(rows)} filas · sha256 {made.manifest['sha256'][:12]}…"
    )
    if made.offsite:
        print(f"copia fuera de la máquina: {made.offsite}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from compraagil.backups.service import restore
    from compraagil.db import database_url, libpq_url

    counts = restore(path=args.file, database=libpq_url(args.database_url or database_url()))
    tables, rows = format_count(len(counts)), format_count(sum(counts.values()))
    print(f"restaurado {args.file.name}: {tables} tablas, {rows} filas, iguales al manifiesto")
    return 0


def run_seed_users(args: argparse.Namespace) -> int:
    from compraagil.accounts.demo import seed_users
    from compraagil.db import session_scope

    with session_scope() as session:
        created = seed_users(session=session)
    for email, plan, password in created:
        print(f"{plan:<12} {email}  contraseña: {password}")
    if not created:
        print("los usuarios de demostración ya existen")
    return 0


def run_users(args: argparse.Namespace) -> int:
    import secrets

    from compraagil.accounts.demo import create_account
    from compraagil.accounts.service import set_staff
    from compraagil.db import session_scope

    with session_scope() as session:
        if args.action == "create":
            password = args.password or secrets.token_urlsafe(12)
            create_account(
                session=session,
                email=args.email,
                password=password,
                plan=args.plan,
                company=args.company,
                staff=args.staff,
            )
            print(f"{args.email} ({args.plan}{', staff' if args.staff else ''}) contraseña: {password}")
        else:
            set_staff(session=session, email=args.email, staff=args.action == "staff")
            print(f"{args.email}: {'staff' if args.action == 'staff' else 'sin staff'}")
    return 0


def run_train_win_model(args: argparse.Namespace) -> int:
    from compraagil.scoring.training import report, train_and_keep

    row = train_and_keep()
    print(f"modelo de probabilidad de ganar {row.version} ({row.path})")
    for line in report(row.metrics):
        print(line)
    return 0


def run_subscriptions(args: argparse.Namespace) -> int:
    from compraagil.payments.periodic import run_due

    print(run_due())
    return 0


def run_proxy(args: argparse.Namespace) -> int:
    """Write nginx's or PgBouncer's configuration (under DATA_DIR/proxy) and become that program."""
    import os

    from compraagil.config import get_settings
    from compraagil.errors import ConfigurationError
    from compraagil.scaled import nginx, pgbouncer

    settings = get_settings()
    folder = settings.data_dir / "proxy" / args.program
    if args.program == "nginx":
        if not args.backend or not args.static:
            raise ConfigurationError("nginx necesita --backend (uno o más) y --static")
        conf = nginx.write(
            folder=folder, listen=f"{args.listen}:{args.port}", static_dir=args.static, backends=args.backend
        )
        program = nginx.command(conf)
    else:
        if not settings.database_url or not settings.read_database_url:
            raise ConfigurationError(
                "PgBouncer necesita DATABASE_URL (el primario) y READ_DATABASE_URL (la réplica)"
            )
        conf = pgbouncer.write(
            folder=folder,
            listen=args.listen,
            port=args.port,
            primary=pgbouncer.Server.of(settings.database_url),
            replica=pgbouncer.Server.of(settings.read_database_url),
            web_timeout_seconds=settings.statement_timeout_seconds,
        )
        program = pgbouncer.command(conf)
    os.execv(program[0], program)
