"""Import throughput: generate N rows in COT format, import them into a fresh database, twice.

    .venv/bin/python -m bench.import_bench [--rows 1000000] [--seed 7] [--columns 34]

Prints generation speed, then for the first import and the idempotent re-import: wall time, rows/s
and the importer's peak memory (it runs as a child process, `python -m compraagil import`, so its
peak is its own), and finally the database size. The database is an embedded PostgreSQL in a
temporary folder, deleted afterwards.
"""

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import psycopg

from compraagil import migrations
from compraagil.config import PROJECT_ROOT, child_environment
from compraagil.db import libpq_url
from compraagil.devservices import start_postgres
from compraagil.ingest.synthetic import make_factory
from compraagil.ingest.synthetic.cot_writer import write_csv

SUMMARY = re.compile(r"read (\d+) · inserted (\d+) · updated (\d+) · unchanged (\d+) · rejected (\d+)")


def generate(path: Path, rows: int, seed: int, columns: int) -> None:
    started = time.monotonic()
    factory = make_factory(seed, rows, date(2024, 1, 1))
    with path.open("wb") as out:
        write_csv(factory.history(rows, 24), out, rows=rows, columns=columns)
    seconds = time.monotonic() - started
    size = path.stat().st_size / 1e6
    print(
        f"generated {rows:,} rows ({size:,.0f} MB, {columns} columns) in {seconds:.1f} s ({rows / seconds:,.0f} rows/s)"
    )


def timed_import(path: Path, database_url: str, label: str) -> None:
    env = child_environment(DATABASE_URL=database_url, LOG_JSON="false", LOG_LEVEL="WARNING")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "compraagil", "import", str(path)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"{label} failed:\n{done.stderr}")
    peak_mb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    counts = SUMMARY.search(done.stdout)
    read = int(counts.group(1))
    print(
        f"{label:<18} {seconds:7.1f} s  {read / seconds:>9,.0f} rows/s  peak {peak_mb:,.0f} MB  "
        f"(inserted {int(counts.group(2)):,} · updated {int(counts.group(3)):,} · "
        f"unchanged {int(counts.group(4)):,} · rejected {int(counts.group(5)):,})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--columns", type=int, choices=(30, 33, 34), default=34)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores · python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="import-bench-") as directory:
        root = Path(directory)
        source = root / f"COT_bench_{args.rows}.csv"
        generate(source, args.rows, args.seed, args.columns)
        postgres = start_postgres(root / "postgres")
        try:
            migrations.upgrade(postgres.url)
            timed_import(source, postgres.url, "first import")
            timed_import(source, postgres.url, "same file again")
            with psycopg.connect(libpq_url(postgres.url)) as conn:
                size, quotes = conn.execute(
                    "SELECT pg_size_pretty(pg_database_size(current_database())), (SELECT count(*) FROM quotes)"
                ).fetchone()
            print(f"database: {size} · {quotes:,} quotes")
        finally:
            postgres.stop()


if __name__ == "__main__":
    main()
