"""Demo data for an empty database: a generated history imported as COT, plus open tenders via
the API v2 mapping — the same paths real data takes."""

import logging
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import text

from compraagil.db import get_engine
from compraagil.ingest.api_v2.files import import_records
from compraagil.ingest.cot.importer import import_cot_file
from compraagil.ingest.runs import ImportSummary
from compraagil.ingest.synthetic import make_factory
from compraagil.ingest.synthetic.api_writer import open_details
from compraagil.ingest.synthetic.cot_writer import write_csv

log = logging.getLogger(__name__)

DEMO_ROWS = 200_000
DEMO_OPEN_TENDERS = 300
DEMO_SEED = 2026
HISTORY_MONTHS = 24


def first_month(now: datetime, months: int) -> date:
    index = now.year * 12 + now.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def seed(
    *,
    rows: int,
    seed: int,
    open_tenders: int,
    now: datetime | None = None,
    spelled: dict[str, str] | None = None,
) -> list[ImportSummary]:
    """Generate `rows` history rows and `open_tenders` open processes, and import both; `spelled`
    receives which product each product name written is (the generator's ground truth)."""
    now = now or datetime.now(UTC)
    factory = make_factory(seed, rows, first_month(now, HISTORY_MONTHS))
    summaries = []
    with tempfile.TemporaryDirectory(prefix="demo-") as directory:
        path = Path(directory) / f"COT_demo_{seed}.csv"
        with path.open("wb") as out:
            write_csv(factory.history(rows, HISTORY_MONTHS), out, rows=rows)
        summaries.append(
            import_cot_file(path, kind="demo", source=f"demo: {rows} cotizaciones (semilla {seed})")
        )
    if open_tenders:
        details = open_details(factory, open_tenders, now)
        summaries.append(
            import_records(details, source=f"demo: {open_tenders} Compras Ágiles abiertas", kind="demo")
        )
    if spelled is not None:
        spelled.update(factory.world.spelled)
    return summaries


def seed_if_empty() -> list[ImportSummary]:
    """Load the demo data when the database holds no tender at all; otherwise do nothing."""
    with get_engine().connect() as conn:
        if conn.execute(text("SELECT EXISTS (SELECT 1 FROM tenders)")).scalar_one():
            return []
    log.info("empty database: loading demo data")
    return seed(rows=DEMO_ROWS, seed=DEMO_SEED, open_tenders=DEMO_OPEN_TENDERS)
