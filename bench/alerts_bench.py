"""Alert matching: N alerts (product words from the generator's vocabulary, a third with a region, a
fifth with an amount range) against a sync of M new open tenders loaded through the API path, then
the instant delivery of what matched (inbox and mail to a local SMTP server).

.venv/bin/python -m bench.alerts_bench [--alerts 10000] [--tenders 1000] [--rows 20000]
"""

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from bench.common import machine, populated_database, product_queries
from compraagil.alerts.delivery import deliver
from compraagil.alerts.logic import Frequency
from compraagil.alerts.matching import RUN_TENDERS, match_pending_runs
from compraagil.config import get_settings
from compraagil.db import session_scope
from compraagil.devservices import free_port
from compraagil.ingest.api_v2.files import import_records
from compraagil.ingest.demo import first_month
from compraagil.ingest.synthetic import make_factory
from compraagil.ingest.synthetic.api_writer import open_details
from compraagil.ingest.synthetic.vocabulary import REGION_WEIGHTS
from compraagil.mail.devserver import start_dev_mail_server

ALERTS_PER_USER = 5


def make_alerts(count: int, seed: int) -> None:
    """`count` alerts over count / 5 verified users, one company each, on PROFESIONAL."""
    rng = random.Random(seed)
    words = product_queries(count, seed)
    users = max(1, count // ALERTS_PER_USER)
    with session_scope() as session:
        session.execute(
            text(
                "INSERT INTO companies (name, plan) SELECT 'Empresa ' || n, 'PROFESIONAL' FROM generate_series(1, :n) n"
            ),
            {"n": users},
        )
        session.execute(
            text(
                "INSERT INTO users (email, password_hash, company_id, email_verified_at)"
                " SELECT 'bench' || id || '@example.cl', 'x', id, now() FROM companies"
            )
        )
        rows = []
        for index, word in enumerate(words):
            amounts = (100_000, 5_000_000) if index % 5 == 0 else (None, None)
            rows.append(
                {
                    "user_id": index % users + 1,
                    "name": word,
                    "text": word,
                    "region": rng.choice(list(REGION_WEIGHTS)) if index % 3 == 0 else None,
                    "min_amount": amounts[0],
                    "max_amount": amounts[1],
                }
            )
        session.execute(
            text(
                "INSERT INTO alerts (company_id, user_id, name, text, region, min_amount, max_amount)"
                " VALUES (:user_id, :user_id, :name, :text, :region, :min_amount, :max_amount)"
            ),
            rows,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--tenders", type=int, default=1_000)
    parser.add_argument("--rows", type=int, default=20_000, help="history quotes seeded first")
    parser.add_argument("--seed", type=int, default=23)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="alerts-bench-") as directory:
        mail = start_dev_mail_server(Path(directory) / "mail", free_port(), echo=False)
        with populated_database(args.rows, args.seed, None):
            get_settings().smtp_url = mail.url
            run(args)
        mail.stop()


def run(args: argparse.Namespace) -> None:
    with session_scope() as session:
        match_pending_runs(session=session)  # the seed's own runs, before any alert exists
    make_alerts(args.alerts, args.seed)
    now = datetime.now(UTC)
    factory = make_factory(args.seed + 1, args.tenders * 10, first_month(now, 1))
    summary = import_records(open_details(factory, args.tenders, now), source="bench sync", kind="bench")
    with session_scope() as session:
        tenders = len(session.execute(RUN_TENDERS, {"run_id": summary.run_id}).all())
    print(f"{machine()}; {args.alerts:,} alerts; sync: {summary.line()}; {tenders:,} open tenders to match")
    started = time.monotonic()
    with session_scope() as session:
        (matched,) = match_pending_runs(session=session)
    print(f"matching: {matched.notices:,} notices in {time.monotonic() - started:.2f} s")
    started = time.monotonic()
    with session_scope() as session:
        report = deliver(session=session, frequency=Frequency.INSTANT)
    print(
        f"instant delivery: {report.sent:,} sent, {report.skipped:,} skipped, {report.failed:,} failed"
        f" in {time.monotonic() - started:.2f} s"
    )


if __name__ == "__main__":
    main()
