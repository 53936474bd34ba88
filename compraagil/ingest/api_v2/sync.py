"""Sync from the Compra Ágil API v2 by change window: the changes since the last sync, or a backfill
from a given day, resuming where it stopped.

The range is listed one window (a day at most) at a time; every listed process whose
`fecha_ultimo_cambio` differs from the one stored is fetched in detail and stored, and the cursor
is saved when its window is done. A sync that fails leaves the cursor at the last whole window, and
the next one lists from there again, skipping what it already stored: no gaps, no duplicates.
Windows are sent as the API writes its dates (Santiago local time, `2026-09-23 09:49`) and every
sync starts OVERLAP before its cursor, so not even a UTC/Santiago mix-up could leave a gap.
"""

import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

import psycopg

from compraagil.chile.dates import SANTIAGO
from compraagil.config import get_settings
from compraagil.db import connect
from compraagil.errors import ConfigurationError, ImportFailed
from compraagil.ingest.api_v2.client import ApiError, CompraAgilClient, Page
from compraagil.ingest.api_v2.mapping import parse_moment
from compraagil.ingest.api_v2.store import import_detail
from compraagil.ingest.runs import ImportCounts, ImportSummary, fail_run, finish_run, landed, open_run
from compraagil.ingest.values import BadValue

SYNC_NAME = "compra_agil_v2"
FIRST_WINDOW = timedelta(days=2)
"""What the very first sync (no cursor, no `since`) covers."""
OVERLAP = timedelta(hours=5)
"""Each sync re-lists this much before its cursor: more than Chile's UTC offset (3 or 4 hours)."""
WINDOW = timedelta(days=1)
"""The longest range listed at once; the cursor is saved after each."""
RESULTS_CAP = 10_000
"""The API stops counting at 10,000 results; a window that large is split in two."""
SMALLEST_WINDOW = timedelta(minutes=10)

Progress = Callable[[int, float], None]


class SyncFailed(ImportFailed):
    """The sync stopped; its cursor stays at the last whole window, where the next sync resumes."""


def api_time(moment: datetime) -> str:
    """A moment as the API writes dates: Santiago local time, `2026-09-23 09:49`."""
    return moment.astimezone(SANTIAGO).strftime("%Y-%m-%d %H:%M")


def parse_since(text: str) -> date:
    """The first day of a backfill, `AAAA-MM-DD`, not in the future (Santiago's calendar)."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"la fecha de inicio debe tener la forma AAAA-MM-DD, no «{text}»") from None
    if day > datetime.now(SANTIAGO).date():
        raise ValueError(f"la fecha de inicio {day:%d-%m-%Y} está en el futuro")
    return day


def windows(start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
    """[start, end] cut into consecutive windows of at most WINDOW."""
    while start < end:
        yield start, min(end, start + WINDOW)
        start += WINDOW


def changed_pages(client: CompraAgilClient, start: datetime, end: datetime) -> Iterator[Page]:
    """Every page of processes changed in [start, end], splitting windows the API would cap."""
    filters = {
        "cambio_desde": api_time(start),
        "cambio_hasta": api_time(end),
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


def _cursor_name(since: date | None) -> str:
    """A backfill keeps its own cursor, so a rerun with the same `since` resumes it."""
    return f"{SYNC_NAME} desde {since.isoformat()}" if since else SYNC_NAME


def _cursor(conn: psycopg.Connection, name: str) -> datetime | None:
    row = conn.execute("SELECT cursor FROM sync_state WHERE name = %s", (name,)).fetchone()
    return row[0] if row else None


def _save_cursor(conn: psycopg.Connection, name: str, moment: datetime) -> None:
    """Move a cursor forward (never back), in the caller's transaction."""
    conn.execute(
        """
        INSERT INTO sync_state (name, cursor) VALUES (%s, %s)
        ON CONFLICT (name) DO UPDATE SET cursor = greatest(sync_state.cursor, excluded.cursor),
                                         updated_at = now()
        """,
        (name, moment),
    )


def _start(conn: psycopg.Connection, since: date | None, now: datetime) -> datetime:
    """Where this sync lists from: its cursor, else `since` (midnight in Santiago), else
    FIRST_WINDOW ago; always OVERLAP earlier."""
    cursor = _cursor(conn, _cursor_name(since))
    if cursor is None:
        cursor = datetime.combine(since, datetime.min.time(), SANTIAGO) if since else now - FIRST_WINDOW
    return cursor - OVERLAP


def _known_changes(conn: psycopg.Connection, codigos: list[str]) -> dict[str, datetime]:
    rows = conn.execute(
        "SELECT codigo, source_changed_at FROM tenders WHERE codigo = ANY(%s) AND source_changed_at IS NOT NULL",
        (codigos,),
    ).fetchall()
    return dict(rows)


def _listed_change(item: dict) -> datetime | None:
    try:
        return parse_moment((item.get("fechas") or {}).get("fecha_ultimo_cambio"))
    except BadValue:
        return None


class _Sync:
    """One sync run: lists a window page by page and stores each process that changed, counting."""

    def __init__(self, conn: psycopg.Connection, client: CompraAgilClient, run_id: int) -> None:
        self.conn, self.client, self.run_id = conn, client, run_id
        self.counts = ImportCounts()

    def window(self, start: datetime, end: datetime) -> None:
        for page in changed_pages(self.client, start, end):
            known = _known_changes(self.conn, [str(item.get("codigo") or "") for item in page.items])
            for item in page.items:
                self.counts.read += 1
                self.item(item, known)

    def item(self, item: dict, known: dict[str, datetime]) -> None:
        """Fetch and store a listed process unless its change time is the one already stored."""
        codigo = str(item.get("codigo") or "")
        changed = _listed_change(item)
        if changed is not None and known.get(codigo) == changed:
            return
        detail = self.client.detail(codigo)
        import_detail(self.conn, detail, counts=self.counts, run_id=self.run_id, position=self.counts.read)


def sync_changes(
    client: CompraAgilClient,
    *,
    since: date | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Bring every process changed since the last sync (or since `since`) up to date."""
    now = now or datetime.now(UTC)
    started = time.monotonic()
    with connect() as conn:
        start = _start(conn, since, now)
        name = _cursor_name(since)
        source = f"API v2, cambios del {api_time(start)} al {api_time(now)}"
        run_id = open_run(conn, source=source, kind="api_sync")
        sync = _Sync(conn, client, run_id)
        try:
            for window_start, window_end in windows(start, now):
                sync.window(window_start, window_end)
                with conn.transaction():
                    _save_cursor(conn, name, window_end)
                if progress:
                    progress(sync.counts.read, (window_end - start) / (now - start))
            with conn.transaction():
                _save_cursor(conn, SYNC_NAME, now)  # a finished backfill brings the regular sync to now
                finish_run(conn, run_id, sync.counts, metric_source="api")
        except ApiError as error:
            landed(sync.counts)
            fail_run(conn, run_id, str(error))
            raise SyncFailed(_failure(error, since, _cursor(conn, name))) from error
        except Exception as error:  # whatever it was, the run says it failed (and the cursor stays)
            landed(sync.counts)
            fail_run(conn, run_id, f"{type(error).__name__}: {error}")
            raise
    landed(sync.counts)
    return ImportSummary(run_id=run_id, source=source, counts=sync.counts, seconds=time.monotonic() - started)


def _failure(error: ApiError, since: date | None, cursor: datetime | None) -> str:
    """What went wrong and how the sync resumes, for people."""
    done = (
        f"quedó completa hasta el {api_time(cursor)}" if cursor else "no alcanzó a completar ninguna ventana"
    )
    again = (
        f"para seguir desde ahí, vuelva a ejecutar `python -m compraagil sync --since {since.isoformat()}`"
        if since
        else "la próxima sincronización sigue desde ahí"
    )
    return f"la sincronización con la API se detuvo ({error}); {done}: {again}"


def sync_from_settings(*, since: date | None = None, progress: Progress | None = None) -> ImportSummary:
    """The sync that `python -m compraagil sync` and the periodic job run, with the configured ticket."""
    settings = get_settings()
    if not settings.mercadopublico_ticket:
        raise ConfigurationError(
            "MERCADOPUBLICO_TICKET no está configurado: la sincronización con la API de Compra Ágil"
            " necesita el ticket que entrega ChileCompra"
        )
    with CompraAgilClient(settings.mercadopublico_api_url, settings.mercadopublico_ticket) as client:
        return sync_changes(client, since=since, progress=progress)
