"""Load API v2 records saved as JSON, in the shapes people save them: one record, a list of records,
an API envelope (`{"success": "OK", "payload": …}`, detail or list), or an object keyed by código."""

import json
import re
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from compraagil.db import connect
from compraagil.ingest.api_v2.store import import_detail
from compraagil.ingest.runs import ImportCounts, ImportSummary, fail_run, finish_run, landed, open_run

CODIGO = re.compile(r"\d+-\d+-[A-Z]+\d*", re.IGNORECASE)


class UnreadableJson(ValueError):
    """A file that is not JSON, or not in a shape that holds records; the message names the file."""


def _keyed_by_codigo(document: dict) -> bool:
    """`{"1234-5-COT26": {...}, ...}`: every key a código and every value an object."""
    return bool(document) and all(
        CODIGO.fullmatch(key) and isinstance(value, dict) for key, value in document.items()
    )


def _with_codigo(records: Iterator[dict], codigo: str) -> Iterator[dict]:
    """The records found under a código key, with that código when they lack their own."""
    for record in records:
        yield record if record.get("codigo") else {**record, "codigo": codigo}


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
        elif _keyed_by_codigo(document):
            for codigo, value in document.items():
                yield from _with_codigo(records_in(value), codigo)
        else:
            yield document


def read_json(path: Path) -> object:
    """The parsed document of one file, or UnreadableJson with one line saying why."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise UnreadableJson(f"{path}: el archivo no existe") from None
    except OSError as error:
        raise UnreadableJson(f"{path}: no se pudo leer ({error.strerror})") from None
    except UnicodeDecodeError:
        raise UnreadableJson(f"{path}: no es texto UTF-8, así que no es un JSON de la API") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableJson(
            f"{path}: no es un JSON válido (línea {error.lineno}, columna {error.colno})"
        ) from None


def import_records(records: Iterable[dict], *, source: str, kind: str = "api_json") -> ImportSummary:
    """Store every record (bad ones become rejects) as one import run."""
    started = time.monotonic()
    counts = ImportCounts()
    with connect() as conn:
        run_id = open_run(conn, source=source, kind=kind)
        try:
            for position, record in enumerate(records, start=1):
                counts.read += 1
                import_detail(conn, record, counts=counts, run_id=run_id, position=position)
            with conn.transaction():
                finish_run(conn, run_id, counts, metric_source="api")
        except Exception as error:  # the run says it failed; what was stored before stays
            landed(counts)
            fail_run(conn, run_id, f"{type(error).__name__}: {error}")
            raise
    landed(counts)
    return ImportSummary(run_id=run_id, source=source, counts=counts, seconds=time.monotonic() - started)


def records_of(path: Path) -> list[dict]:
    """The records a file holds; UnreadableJson when it holds none (e.g. an API error saved as is)."""
    records = list(records_in(read_json(path)))
    if not records:
        raise UnreadableJson(f"{path}: no contiene registros de Compra Ágil")
    return records


def import_json_files(paths: list[Path]) -> ImportSummary:
    """Load the records of several JSON files as one run; every file is read before anything is stored."""
    records = [record for path in paths for record in records_of(path)]
    return import_records(records, source=", ".join(Path(p).name for p in paths))
