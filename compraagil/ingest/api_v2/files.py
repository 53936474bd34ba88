"""Load API v2 records saved as JSON: one record, a list, or whole API envelopes."""

import json
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from compraagil.db import connect
from compraagil.ingest.api_v2.store import import_detail
from compraagil.ingest.runs import ImportCounts, ImportSummary, finish_run, landed, open_run


def records_in(document: object) -> Iterator[dict]:
    """The records inside a parsed JSON document, whatever its wrapping."""
    if isinstance(document, list):
        for element in document:
            yield from records_in(element)
    elif isinstance(document, dict):
        if "payload" in document:
            yield from records_in(document["payload"])
        elif "items" in document and "codigo" not in document:
            yield from records_in(document["items"])
        else:
            yield document


def import_records(records: Iterable[dict], *, source: str, kind: str = "api_json") -> ImportSummary:
    """Store every record (bad ones become rejects) as one import run."""
    started = time.monotonic()
    counts = ImportCounts()
    with connect() as conn:
        run_id = open_run(conn, source=source, kind=kind)
        for position, record in enumerate(records, start=1):
            counts.read += 1
            import_detail(conn, record, counts=counts, run_id=run_id, position=position)
        with conn.transaction():
            finish_run(conn, run_id, counts, metric_source="api")
    landed(counts)
    return ImportSummary(run_id=run_id, source=source, counts=counts, seconds=time.monotonic() - started)


def import_json_files(paths: list[Path]) -> ImportSummary:
    """Load the records of several JSON files as one run."""

    def all_records() -> Iterator[dict]:
        for path in paths:
            yield from records_in(json.loads(Path(path).read_text(encoding="utf-8")))

    return import_records(all_records(), source=", ".join(Path(p).name for p in paths))
