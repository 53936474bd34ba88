"""Search tenders: Spanish full text (stemmed, accent-insensitive) over names, requested items and
descriptions, with typo correction, filters, sorting, pagination and highlighting."""

import json
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import text
from sqlmodel import Session

from compraagil import cache
from compraagil.search.query import SearchQuery, Sort
from compraagil.search.vocabulary import corrected

EXACT_COUNT_LIMIT = 1000
MARK_START, MARK_END = "\x02", "\x03"

FULL_TEXT = "t.search_vector @@ websearch_to_tsquery('es_unaccent', :text)"
RANK = "ts_rank_cd(t.search_vector, websearch_to_tsquery('es_unaccent', :text))"
ORDER = {
    Sort.RELEVANCE: "score DESC, t.closes_at DESC NULLS LAST",
    Sort.CLOSING: "t.closes_at ASC NULLS LAST, t.id",
    Sort.AMOUNT: "t.amount_available DESC NULLS LAST, t.id",
}


class TenderHit(BaseModel):
    codigo: str
    name: str
    name_segments: list[tuple[str, bool]]
    organismo: str | None
    buyer_id: int | None
    region: int | None
    state: str
    published_at: datetime | None
    closes_at: datetime | None
    amount_available: int | None
    score: float


class SearchPage(BaseModel):
    hits: list[TenderHit]
    total: int
    total_is_estimate: bool
    page: int
    page_size: int
    corrected_text: str | None = None
    """When the query had typos: what was searched instead."""


def _filters(query: SearchQuery) -> tuple[list[str], dict]:
    clauses, params = [], {}
    if query.text:
        clauses.append(FULL_TEXT)
        params["text"] = query.text
    if query.states:
        clauses.append("t.state = ANY(:states)")
        params["states"] = query.states
    if query.open_only:
        clauses.append("t.state = 'publicada' AND t.closes_at > now()")
    if query.organismo.strip():
        clauses.append(
            "t.buyer_id IN (SELECT id FROM buyers WHERE fold(organismo || ' ' || unit_name) LIKE '%' || fold(:organismo) || '%')"
        )
        params["organismo"] = query.organismo.strip()
    for column, value, op in (
        ("t.region", query.region, "="),
        ("t.buyer_id", query.buyer_id, "="),
        ("t.amount_available", query.min_amount, ">="),
        ("t.amount_available", query.max_amount, "<="),
        ("t.published_at", query.published_from, ">="),
        ("t.closes_at", query.closes_from, ">="),
    ):
        if value is not None:
            name = f"p{len(params)}"
            clauses.append(f"{column} {op} :{name}")
            params[name] = value
    for column, value in (("t.published_at", query.published_to), ("t.closes_at", query.closes_to)):
        if value is not None:
            name = f"p{len(params)}"
            clauses.append(f"{column} < (:{name})::date + 1")
            params[name] = value
    if query.closes_within_days is not None:
        clauses.append("t.closes_at > now() AND t.closes_at <= now() + make_interval(days => :within)")
        params["within"] = query.closes_within_days
    return clauses or ["true"], params


def _segments(marked: str) -> list[tuple[str, bool]]:
    """`a\x02b\x03c` → [("a", False), ("b", True), ("c", False)]."""
    segments = []
    for part in marked.split(MARK_START):
        if MARK_END in part:
            hit, rest = part.split(MARK_END, 1)
            segments.append((hit, True))
            if rest:
                segments.append((rest, False))
        elif part:
            segments.append((part, False))
    return segments


def _count(session: Session, where: str, params: dict) -> tuple[int, bool]:
    """Exact up to EXACT_COUNT_LIMIT matches; beyond that, the planner's estimate."""
    exact = session.execute(
        text(f"SELECT count(*) FROM (SELECT 1 FROM tenders t WHERE {where} LIMIT :cap) capped"),
        {**params, "cap": EXACT_COUNT_LIMIT + 1},
    ).scalar_one()
    if exact <= EXACT_COUNT_LIMIT:
        return exact, False
    plan = session.execute(
        text(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM tenders t WHERE {where}"), params
    ).scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return max(exact, int(plan[0]["Plan"]["Plan Rows"])), True


def _search(session: Session, query: SearchQuery) -> SearchPage:
    """Full text; when it finds nothing, the query's misspelt words are corrected and it runs again."""
    clauses, params = _filters(query)
    where = " AND ".join(clauses)
    total, estimated = _count(session, where, params)
    corrected_text = None
    if query.text and total == 0 and (fixed := corrected(session=session, query=query.text)):
        query = query.model_copy(update={"text": fixed})
        clauses, params = _filters(query)
        where = " AND ".join(clauses)
        total, estimated = _count(session, where, params)
        corrected_text = fixed if total else None
    score = RANK if query.text else "0"
    headline = (
        f"ts_headline('es_unaccent', t.name, websearch_to_tsquery('es_unaccent', :text),"
        f" 'StartSel={MARK_START}, StopSel={MARK_END}, HighlightAll=true')"
        if query.text
        else "t.name"
    )
    sort = ORDER[query.sort] if query.text or query.sort is not Sort.RELEVANCE else ORDER[Sort.CLOSING]
    rows = session.execute(
        text(
            f"""
            SELECT t.codigo, t.name, {headline} AS marked, b.organismo, t.buyer_id, t.region, t.state,
                   t.published_at, t.closes_at, t.amount_available, {score} AS score
            FROM tenders t LEFT JOIN buyers b ON b.id = t.buyer_id
            WHERE {where}
            ORDER BY {sort}
            LIMIT :limit OFFSET :offset
            """
        ),
        {**params, "limit": query.page_size, "offset": query.offset},
    ).all()
    return SearchPage(
        hits=[
            TenderHit(
                codigo=row.codigo,
                name=row.name,
                name_segments=_segments(row.marked),
                organismo=row.organismo,
                buyer_id=row.buyer_id,
                region=row.region,
                state=row.state,
                published_at=row.published_at,
                closes_at=row.closes_at,
                amount_available=row.amount_available,
                score=float(row.score),
            )
            for row in rows
        ],
        total=total,
        total_is_estimate=estimated,
        corrected_text=corrected_text,
        page=query.page,
        page_size=query.page_size,
    )


def search_tenders(*, session: Session, query: SearchQuery) -> SearchPage:
    """One page of tenders matching `query` (cached for 15 minutes)."""
    return cache.cached("search", query.model_dump(mode="json"), SearchPage, lambda: _search(session, query))
