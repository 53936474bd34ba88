"""Incremental sync from the Compra Ágil API v2, by change window, resuming where it stopped.

Each sync lists what changed between the saved cursor and now, fetches the detail of every process
whose `fecha_ultimo_cambio` differs from what we stored, and stores it. The cursor advances only when
the whole window is done; a sync that fails half-way leaves it, and the next one lists the same
window again, skipping the details it already stored: no gaps, no duplicates.
"""

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg

from compraagil.db import connect
from compraagil.ingest.api_v2.client import ApiError, CompraAgilClient, Page
from compraagil.ingest.api_v2.mapping import parse_moment
from compraagil.ingest.api_v2.store import import_detail
from compraagil.ingest.runs import ImportCounts, ImportSummary, fail_run, finish_run, landed, open_run
from compraagil.ingest.values import BadValue

SYNC_NAME = "compra_agil_v2"
FIRST_WINDOW = timedelta(days=2)
OVERLAP = timedelta(minutes=5)
RESULTS_CAP = 10_000
"""The API stops counting at 10,000 results; a window that large is split in two."""
SMALLEST_WINDOW = timedelta(minutes=10)


class SyncFailed(RuntimeError):
    """The sync stopped; its cursor did not move, so the next sync covers the same window."""


def _api_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def changed_pages(client: CompraAgilClient, start: datetime, end: datetime) -> Iterator[Page]:
    """Every page of processes changed in [start, end], splitting windows the API would cap."""
    filters = {
        "cambio_desde": _api_time(start),
        "cambio_hasta": _api_time(end),
        "ordenar_por": "FechaUltimaModificacion",
    }
    first = client.list_page(page=1, **filters)
    if first.total_results >= RESULTS_CAP and end - start > SMALLEST_WINDOW:
        middle = start + (end - start) / 2
        yield from changed_pages(client, start, middle)
        yield from changed_pages(client, middle, end)
        return
    yield first
    for number in range(2, first.total_pages + 1):
        yield client.list_page(page=number, **filters)


def _cursor(conn: psycopg.Connection) -> datetime | None:
    row = conn.execute("SELECT cursor FROM sync_state WHERE name = %s", (SYNC_NAME,)).fetchone()
    return row[0] if row else None


def _known_changes(conn: psycopg.Connection, codigos: list[str]) -> dict[str, datetime]:
    rows = conn.execute(
        "SELECT codigo, source_changed_at FROM tenders WHERE codigo = ANY(%s) AND source_changed_at IS NOT NULL",
        (codigos,),
    ).fetchall()
    return dict(rows)


def sync_changes(client: CompraAgilClient, *, now: datetime | None = None) -> ImportSummary:
    """Bring every process changed since the last sync up to date."""
    now = now or datetime.now(UTC)
    started = time.monotonic()
    counts = ImportCounts()
    with connect() as conn:
        start = (_cursor(conn) or now - FIRST_WINDOW) - OVERLAP
        source = f"api v2 {_api_time(start)} → {_api_time(now)}"
        run_id = open_run(conn, source=source, kind="api_sync")
        try:
            for page in changed_pages(client, start, now):
                known = _known_changes(conn, [item.get("codigo", "") for item in page.items])
                for item in page.items:
                    counts.read += 1
                    _sync_item(conn, client, item, known, counts, run_id)
            with conn.transaction():
                conn.execute(
                    """
                    INSERT INTO sync_state (name, cursor) VALUES (%s, %s)
                    ON CONFLICT (name) DO UPDATE SET cursor = excluded.cursor, updated_at = now()
                    """,
                    (SYNC_NAME, now),
                )
                finish_run(conn, run_id, counts, metric_source="api")
        except ApiError as error:
            landed(counts)
            fail_run(conn, run_id, str(error))
            raise SyncFailed(f"{source}: {error}") from error
    landed(counts)
    return ImportSummary(run_id=run_id, source=source, counts=counts, seconds=time.monotonic() - started)


def _sync_item(
    conn: psycopg.Connection,
    client: CompraAgilClient,
    item: dict,
    known: dict[str, datetime],
    counts: ImportCounts,
    run_id: int,
) -> None:
    codigo = str(item.get("codigo") or "")
    try:
        changed = parse_moment((item.get("fechas") or {}).get("fecha_ultimo_cambio"))
    except BadValue:
        changed = None
    if changed is not None and known.get(codigo) == changed:
        return
    import_detail(conn, client.detail(codigo), counts=counts, run_id=run_id, position=counts.read)
