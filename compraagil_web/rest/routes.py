"""The REST API's operations: each one translates its parameters into one core call."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from compraagil.chile.dates import SANTIAGO
from compraagil.chile.rut import parse_rut
from compraagil.competition.service import BuyerProfile, SupplierProfile, buyer_profile, supplier_profile
from compraagil.db import session_scope
from compraagil.pipeline import service as pipeline
from compraagil.pipeline.logic import STATUSES
from compraagil.pipeline.service import Card
from compraagil.pricing.service import PriceAnalysis, PriceQuery, metered_price_analysis
from compraagil.results.service import WINDOWS, my_results
from compraagil.search.query import MAX_ID, MAX_PAGE, SearchQuery, Sort, validated
from compraagil.search.service import TenderHit, search_tenders
from compraagil.tenders.service import TenderDetail, get_tender
from compraagil_web.rest import cursor
from compraagil_web.rest.auth import CallerDep


class ApiError(BaseModel):
    error: str
    """What went wrong, in Spanish, for a person to read."""


ERRORS = {
    401: "Falta la clave, no es válida o fue revocada",
    402: "El plan no incluye la API o se usó la cuota",
    403: "La clave ya no sirve para la empresa",
    404: "No existe",
    422: "Un parámetro no es válido",
    429: "Demasiadas solicitudes: espera los segundos de `Retry-After`",
}
router = APIRouter(
    responses={status: {"model": ApiError, "description": text} for status, text in ERRORS.items()}
)

Limit = Annotated[int, Query(ge=1, le=100, description="Resultados por página (se ignora con `cursor`)")]
CursorText = Annotated[
    str | None, Query(alias="cursor", description="El `next_cursor` de la respuesta anterior")
]


class TenderPage(BaseModel):
    data: list[TenderHit]
    total: int
    total_is_estimate: bool
    corrected_text: str | None = None
    """When the words had typos: what was searched instead."""
    next_cursor: str | None = None


class PipelinePage(BaseModel):
    data: list[Card]
    next_cursor: str | None = None


class QuoteOutcome(BaseModel):
    codigo: str
    name: str
    organismo: str
    closing_date: date
    outcome: str
    """`ganada`, `perdida`, `desierta` or `sin_adjudicar`."""
    total_clp: Decimal | None
    winner_name: str
    winner_total_clp: Decimal | None
    gap_pct: Decimal | None
    """How far my total was above (+) or below (−) the winner's, in %."""
    rank: int | None
    quotes: int


class MyResultsPage(BaseModel):
    rut: str
    """The company's RUT; empty when Cuenta does not have it yet."""
    since: date
    processes: int
    won: int
    lost: int
    win_rate: Decimal
    cheaper_losses: int
    """Processes lost although my quote was the cheaper one (price was not why)."""
    data: list[QuoteOutcome]
    next_cursor: str | None = None


def _page(cursor_text: str | None, limit: int) -> tuple[int, int]:
    return cursor.decode(cursor_text) if cursor_text else (1, limit)


@router.get("/tenders", summary="Buscar Compras Ágiles", tags=["Compras Ágiles"])
def search(
    caller: CallerDep,
    q: Annotated[str, Query(max_length=200, description="Palabras, con o sin tildes")] = "",
    open_only: Annotated[bool, Query(description="Solo las abiertas a cotizar")] = False,
    state: Annotated[list[str], Query(description="Estados, p. ej. `publicada`, `cerrada`")] = [],  # noqa: B006
    region: Annotated[int | None, Query(ge=1, le=16)] = None,
    buyer_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    min_amount: Annotated[int | None, Query(ge=0)] = None,
    max_amount: Annotated[int | None, Query(ge=0)] = None,
    closes_within_days: Annotated[int | None, Query(ge=0, le=365)] = None,
    sort: Sort = Sort.RELEVANCE,
    limit: Limit = 20,
    cursor_text: CursorText = None,
) -> TenderPage:
    page, size = _page(cursor_text, limit)
    query = validated(
        SearchQuery, text=q, open_only=open_only, states=state, region=region, buyer_id=buyer_id,
        min_amount=min_amount, max_amount=max_amount, closes_within_days=closes_within_days, sort=sort,
        page=page, page_size=size,
    )  # fmt: skip
    with session_scope() as session:
        found = search_tenders(session=session, query=query)
    more = page * size < found.total and page < MAX_PAGE and len(found.hits) == size
    return TenderPage(
        data=found.hits, total=found.total, total_is_estimate=found.total_is_estimate,
        corrected_text=found.corrected_text, next_cursor=cursor.encode(page + 1, size) if more else None,
    )  # fmt: skip


@router.get(
    "/tenders/{codigo}", summary="Una Compra Ágil con sus ítems y cotizaciones", tags=["Compras Ágiles"]
)
def tender(
    caller: CallerDep,
    codigo: Annotated[str, Path(pattern=r"^[0-9A-Za-z-]{1,40}$", description="p. ej. `2345-10-COT26`")],
) -> TenderDetail:
    with session_scope() as session:
        return get_tender(session=session, codigo=codigo)


@router.get("/prices", summary="Análisis de precios de un producto", tags=["Precios"])
def prices(
    caller: CallerDep,
    product: Annotated[
        str, Query(min_length=3, max_length=200, description="El producto, como lo escribiría un comprador")
    ],
    region: Annotated[int | None, Query(ge=1, le=16)] = None,
    buyer_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    months: Annotated[int, Query(ge=1, le=60)] = 24,
    narrow: Annotated[bool, Query(description="Cifras solo del organismo y la región dados")] = True,
) -> PriceAnalysis:
    """Usa un análisis de precios de la cuota diaria del plan, igual que en la web."""
    query = validated(
        PriceQuery, product=product, region=region, buyer_id=buyer_id, months=months, narrow=narrow
    )
    with session_scope() as session:
        return metered_price_analysis(session=session, company_id=caller.company_id, query=query)


@router.get("/buyers/{buyer_id}", summary="Perfil de un organismo", tags=["Organismos y proveedores"])
def buyer(caller: CallerDep, buyer_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> BuyerProfile:
    with session_scope() as session:
        return buyer_profile(session=session, buyer_id=buyer_id, today=datetime.now(SANTIAGO).date())


@router.get("/suppliers/{rut}", summary="Perfil de un proveedor", tags=["Organismos y proveedores"])
def supplier(
    caller: CallerDep,
    rut: Annotated[str, Path(pattern=r"^[0-9.]{1,12}-?[0-9kK]$", description="RUT, p. ej. `76.123.456-7`")],
) -> SupplierProfile:
    compact = parse_rut(rut).compact
    with session_scope() as session:
        return supplier_profile(session=session, rut=compact, today=datetime.now(SANTIAGO).date())


@router.get("/pipeline", summary="Las Compras Ágiles guardadas de tu empresa", tags=["Pipeline"])
def saved(
    caller: CallerDep,
    status: Annotated[Literal[STATUSES] | None, Query(description="Solo las de este estado")] = None,
    limit: Limit = 50,
    cursor_text: CursorText = None,
) -> PipelinePage:
    page, size = _page(cursor_text, limit)
    with session_scope() as session:
        cards = pipeline.list_items(session=session, user_id=caller.user_id, company_id=caller.company_id)
    if status:
        cards = [card for card in cards if card.status == status]
    start = (page - 1) * size
    more = start + size < len(cards)
    return PipelinePage(
        data=cards[start : start + size], next_cursor=cursor.encode(page + 1, size) if more else None
    )


@router.get("/results", summary="Mis resultados: mis cotizaciones contra el ganador", tags=["Pipeline"])
def results(
    caller: CallerDep,
    months: Annotated[int, Query(description=f"Meses hacia atrás: {', '.join(map(str, WINDOWS))}")] = 24,
    limit: Limit = 50,
    cursor_text: CursorText = None,
) -> MyResultsPage:
    """Cada cotización de la empresa (por el RUT de Cuenta) en el historial, la más nueva primero."""
    page, size = _page(cursor_text, limit)
    with session_scope() as session:
        found = my_results(
            session=session, company_id=caller.company_id, today=datetime.now(SANTIAGO).date(), months=months
        )
    start = (page - 1) * size
    rows = [
        QuoteOutcome(
            codigo=row.codigo, name=row.name, organismo=row.organismo, closing_date=row.closing_date,
            outcome=row.outcome.value, total_clp=row.total_clp, winner_name=row.winner_name,
            winner_total_clp=row.winner_total_clp, gap_pct=row.gap_pct, rank=row.rank, quotes=row.quotes,
        )
        for row in found.rows[start : start + size]
    ]  # fmt: skip
    summary = found.summary
    return MyResultsPage(
        rut=found.rut, since=found.since, processes=summary.processes, won=summary.won, lost=summary.lost,
        win_rate=summary.win_rate, cheaper_losses=summary.cheaper_losses, data=rows,
        next_cursor=cursor.encode(page + 1, size) if start + size < len(found.rows) else None,
    )  # fmt: skip
