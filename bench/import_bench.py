"""Import throughput: generate N rows in COT format, import them into a fresh database, twice,
against the machine's floor.

    .venv/bin/python -m bench.import_bench [--rows 1000000] [--seed 7] [--columns 34] [--zip]

Prints generation speed; the floor: a plain `COPY` of the same file into a table of text columns
without indexes; then for the first import and the idempotent re-import: when its data landed
(the summary's own time, and that time ÷ the floor), when its tenders became searchable (the CLI's
exit: their search columns are filled after the commit), rows/s and the importer's peak memory
(`python -m compraagil import` runs as a child process; its memory and its reading processes' is
sampled together), and finally the database size. `--zip` writes a
month's zip with two CSVs, as ChileCompra publishes them, instead of one CSV. The database is an embedded PostgreSQL in a
temporary folder, deleted afterwards.
"""

import argparse
import contextlib
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

import psutil
import psycopg

from compraagil import migrations
from compraagil.config import PROJECT_ROOT, child_environment
from compraagil.db import libpq_url
from compraagil.devservices import start_postgres
from compraagil.ingest.synthetic import make_factory
from compraagil.ingest.synthetic.cot_writer import write_csv, write_month_zip

SUMMARY = re.compile(
    r"leídas ([\d.]+) · nuevas ([\d.]+) · actualizadas ([\d.]+) · sin cambios ([\d.]+)"
    r" · duplicadas ([\d.]+) · rechazadas ([\d.]+)"
)
"""The counts in the import's summary line (numbers with thousands dots)."""
LANDED = re.compile(r" · ([\d,]+) s \(")
"""The summary's own seconds: until the run's data landed (committed)."""


def generate(path: Path, rows: int, seed: int, columns: int) -> None:
    started = time.monotonic()
    factory = make_factory(seed, rows, date(2024, 1, 1))
    if path.suffix == ".zip":
        write_month_zip(factory.history(rows, 24), path, rows=rows, columns=columns)
    else:
        with path.open("wb") as out:
            write_csv(factory.history(rows, 24), out, rows=rows, columns=columns)
    seconds = time.monotonic() - started
    size = path.stat().st_size / 1e6
    print(
        f"generated {rows:,} rows ({size:,.0f} MB, {columns} columns) in {seconds:.1f} s ({rows / seconds:,.0f} rows/s)"
    )


def _tree_rss(process: psutil.Process) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += member.memory_info().rss
    return total


def floor_copy(path: Path, database_url: str, columns: int) -> float:
    """Seconds to COPY the file's rows, as they are, into an unindexed table of text columns."""
    names = ", ".join(f"c{number} text" for number in range(columns))
    started = time.monotonic()
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        conn.execute(f"CREATE UNLOGGED TABLE import_floor ({names})")
        for stream in _csv_streams(path):
            with conn.cursor().copy(
                "COPY import_floor FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true, ENCODING 'LATIN1')"
            ) as copy:
                while chunk := stream.read(1 << 20):
                    copy.write(chunk)
        seconds = time.monotonic() - started
        conn.execute("DROP TABLE import_floor")
    return seconds


def _csv_streams(path: Path):
    """The file's CSVs as binary streams (a month's zip holds two)."""
    if path.suffix != ".zip":
        with path.open("rb") as stream:
            yield stream
        return
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            with archive.open(member) as stream:
                yield stream


def timed_import(path: Path, database_url: str, label: str, floor: float) -> None:
    """Run the CLI import; its peak memory is sampled over all its processes (it reads in children)."""
    env = child_environment(DATABASE_URL=database_url, LOG_JSON="false", LOG_LEVEL="WARNING")
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-m", "compraagil", "import", str(path)],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    watched, peak = psutil.Process(child.pid), 0
    while child.poll() is None:
        peak = max(peak, _tree_rss(watched))
        time.sleep(0.1)
    seconds = time.monotonic() - started
    stdout, stderr = child.communicate()
    if child.returncode != 0:
        raise SystemExit(f"{label} failed:\n{stderr}")
    read, inserted, updated, unchanged, duplicates, rejected = (
        int(count.replace(".", "")) for count in SUMMARY.search(stdout).groups()
    )
    landed = float(LANDED.search(stdout).group(1).replace(",", "."))
    print(
        f"{label:<18} landed {landed:5.1f} s ({landed / floor:.2f}× floor) · searchable {seconds:5.1f} s"
        f"  {read / landed:>9,.0f} rows/s  peak {peak / 2**20:,.0f} MB  "
        f"(inserted {inserted:,} · updated {updated:,} · unchanged {unchanged:,} · "
        f"duplicates {duplicates:,} · rejected {rejected:,})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--columns", type=int, choices=(30, 33, 34), default=34)
    parser.add_argument(
        "--zip", action="store_true", help="write a month's zip with its two CSVs (COT1, COT2), as published"
    )
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores · python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="import-bench-") as directory:
        root = Path(directory)
        source = root / ("COT_2026-10.zip" if args.zip else f"COT_bench_{args.rows}.csv")
        generate(source, args.rows, args.seed, args.columns)
        postgres = start_postgres(root / "postgres")
        try:
            migrations.upgrade(postgres.url)
            floor = floor_copy(source, postgres.url, args.columns)
            print(f"{'floor (plain COPY)':<18} {floor:5.1f} s  {args.rows / floor:>9,.0f} rows/s")
            timed_import(source, postgres.url, "first import", floor)
            timed_import(source, postgres.url, "same file again", floor)
            with psycopg.connect(libpq_url(postgres.url)) as conn:
                size, quotes, lines = conn.execute(
                    "SELECT pg_size_pretty(pg_database_size(current_database())), (SELECT count(*) FROM quotes),"
                    " (SELECT count(*) FROM quote_lines)"
                ).fetchone()
            print(f"database: {size} · {quotes:,} quotes · {lines:,} quote lines")
        finally:
            postgres.stop()


if __name__ == "__main__":
    main()
