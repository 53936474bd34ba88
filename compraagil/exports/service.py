"""Export services: request an export (counted against the plan's monthly Excel exports), build its
workbook (in a job), serve it only to its company, and forget it after a day.

The core never enqueues: the door passes `enqueue`, called once the export is recorded.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from sqlalchemy import delete, update
from sqlmodel import Session

from compraagil.accounts.companies import require_member
from compraagil.chile.dates import SANTIAGO
from compraagil.errors import InvalidInput, NotFound
from compraagil.exports import sheets
from compraagil.exports.files import TEMP_SUFFIX, export_path, exports_root, write_atomically
from compraagil.exports.workbook import Sheet, write_workbook
from compraagil.models import Export
from compraagil.pipeline.service import list_items
from compraagil.plans.quotas import metered, release
from compraagil.plans.table import Feature
from compraagil.pricing.service import PriceQuery, analyze_prices
from compraagil.results.service import WINDOWS, my_results
from compraagil.search.query import SearchQuery, validated
from compraagil.search.service import search_tenders

PENDING, READY, FAILED = "pendiente", "lista", "fallida"
KEEP_FOR = timedelta(days=1)
MAX_SEARCH_ROWS = 5000
"""A search export holds at most this many tenders, in the page's order."""
SEARCH_PAGE_SIZE = 100


class Kind(StrEnum):
    SEARCH = "busqueda"
    PIPELINE = "pipeline"
    RESULTS = "resultados"
    PRICES = "precios"


@dataclass(frozen=True)
class Ticket:
    """A recorded export: its id (also its job's) and the file's name."""

    id: str
    file_name: str


@dataclass(frozen=True)
class Download:
    path: Path
    file_name: str


Progress = Callable[[float], None]
"""Told the share of the work done, from 0 to 1."""


def _checked_params(kind: Kind, params: dict) -> dict:
    """The parameters validated now (an invalid request counts nothing), as stored for the job."""
    if kind is Kind.SEARCH:
        query = validated(SearchQuery, **params)
        return query.model_dump(mode="json", exclude={"page", "page_size"})
    if kind is Kind.PRICES:
        return validated(PriceQuery, **params).model_dump(mode="json")
    if kind is Kind.RESULTS:
        months = params.get("months")
        if months not in WINDOWS:
            raise InvalidInput(f"Elige un período de {', '.join(map(str, WINDOWS))} meses.")
        return {"months": months}
    return {}


def request_export(
    *,
    session: Session,
    user_id: int,
    company_id: int,
    kind: str,
    params: dict,
    enqueue: Callable[[str], object],
) -> Ticket:
    """Record an export, count it against the plan (QuotaExceeded when used up) and hand its id to
    `enqueue`; a failure on our side (Redis down) gives the use back."""
    require_member(session, user_id, company_id)
    try:
        chosen = Kind(kind)
    except ValueError:
        raise InvalidInput(f"«{kind}» no es una exportación.") from None
    stored = _checked_params(chosen, params)
    with metered(session=session, company_id=company_id, feature=Feature.EXCEL_EXPORTS):
        today = datetime.now(SANTIAGO).date().isoformat()
        export = Export(
            id=str(uuid.uuid4()),
            company_id=company_id,
            user_id=user_id,
            kind=chosen.value,
            params=stored,
            file_name=f"compraagil-{chosen.value}-{today}.xlsx",
        )
        session.add(export)
        session.commit()
        ticket = Ticket(export.id, export.file_name)
        try:
            enqueue(ticket.id)
        except Exception:
            session.execute(update(Export).where(Export.id == ticket.id).values(status=FAILED))
            session.commit()
            raise
    return ticket


def _search_hits(session: Session, params: dict, progress: Progress) -> list:
    hits: list = []
    page = 1
    while len(hits) < MAX_SEARCH_ROWS:
        query = SearchQuery(**params, page=page, page_size=SEARCH_PAGE_SIZE)
        result = search_tenders(session=session, query=query)
        hits.extend(result.hits)
        progress(0.9 * min(1.0, len(hits) / max(1, min(result.total, MAX_SEARCH_ROWS))))
        if len(result.hits) < SEARCH_PAGE_SIZE or page * SEARCH_PAGE_SIZE >= result.total:
            break
        page += 1
    return hits[:MAX_SEARCH_ROWS]


def _sheets(session: Session, export: Export, progress: Progress) -> list[Sheet]:
    """The export's data, read now, as sheets."""
    kind = Kind(export.kind)
    if kind is Kind.SEARCH:
        return [sheets.search_sheet(_search_hits(session, export.params, progress))]
    if kind is Kind.PIPELINE:
        if export.user_id is None:
            raise NotFound("Quien pidió esta exportación ya no está en la empresa.")
        cards = list_items(session=session, user_id=export.user_id, company_id=export.company_id)
        return [sheets.pipeline_sheet(cards)]
    if kind is Kind.RESULTS:
        today = datetime.now(SANTIAGO).date()
        results = my_results(
            session=session, company_id=export.company_id, today=today, months=export.params["months"]
        )
        return sheets.results_sheets(results)
    analysis = analyze_prices(session=session, query=PriceQuery(**export.params))
    return sheets.price_sheets(analysis)


def build_export(*, session: Session, export_id: str, progress: Progress = lambda done: None) -> int:
    """Write the export's workbook to its file (atomically) and mark it ready; returns its data rows."""
    export = session.get(Export, export_id)
    if export is None or export.status == FAILED:
        raise NotFound("Esta exportación ya no existe.")
    progress(0.0)
    book = _sheets(session, export, progress)
    progress(0.9)
    write_atomically(export_path(export.company_id, export.id), lambda path: write_workbook(path, book))
    export.rows = len(book[0].rows)
    export.status, export.finished_at = READY, datetime.now(UTC)
    session.commit()
    progress(1.0)
    return export.rows


def fail_export(*, session: Session, export_id: str, ours: bool) -> None:
    """Mark a pending export failed for good; when the failure was ours, give its use back."""
    failed = session.execute(
        update(Export)
        .where(Export.id == export_id, Export.status == PENDING)
        .values(status=FAILED, finished_at=datetime.now(UTC))
        .returning(Export.company_id, Export.created_at)
    ).first()
    session.commit()
    if failed and ours:
        release(
            session=session,
            company_id=failed.company_id,
            feature=Feature.EXCEL_EXPORTS,
            now=failed.created_at,
        )


def _parse_id(export_id: str) -> str | None:
    try:
        return str(uuid.UUID(export_id))
    except ValueError:
        return None


def download(*, session: Session, company_id: int, export_id: str) -> Download:
    """The ready file of one of the company's exports; NotFound for anything else (another company's)."""
    parsed = _parse_id(export_id)
    export = session.get(Export, parsed) if parsed else None
    if export is None or export.company_id != company_id or export.status != READY:
        raise NotFound("No encontramos esa exportación. Las exportaciones duran un día.")
    path = export_path(export.company_id, export.id)
    if not path.is_file():
        raise NotFound("No encontramos esa exportación. Las exportaciones duran un día.")
    return Download(path, export.file_name)


def delete_expired(*, session: Session, now: datetime | None = None) -> int:
    """Delete exports older than a day, their files, and temporary files left by a killed job;
    returns how many exports were deleted."""
    cutoff = (now or datetime.now(UTC)) - KEEP_FOR
    old = session.execute(
        delete(Export).where(Export.created_at < cutoff).returning(Export.company_id, Export.id)
    ).all()
    session.commit()
    for company_id, export_id in old:
        export_path(company_id, str(export_id)).unlink(missing_ok=True)
    root = exports_root()
    for stray in root.glob(f"*/.*{TEMP_SUFFIX}") if root.is_dir() else ():
        if datetime.fromtimestamp(stray.stat().st_mtime, UTC) < cutoff:
            stray.unlink(missing_ok=True)
    return len(old)
