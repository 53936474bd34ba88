"""Search tenders: Spanish full text (stemmed, accent-insensitive) over names, requested items and
descriptions, with typo correction, filters, sorting, pagination and highlighting."""

import json
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import text
from sqlmodel import Session

from compraagil import cache
from compraagil.db import reading
from compraagil.search import meaning
from compraagil.search.indexing import PENDING_COUNT
from compraagil.search.query import SearchQuery, Sort
from compraagil.search.vocabulary import corrected


@dataclass(frozen=True)
class Breadth:
    """Where a search becomes broad, and how a broad one is read."""

    matches: int = 5000
    """Up to this many matches a search is counted exactly and read whole; beyond it, it is broad."""
    window: int = 20_000
    """How many tenders, in the order of the page, a broad search reads before it reads every match."""
    candidates: int = 300
    """A broad search ranks by relevance this many of its newest matches (more for deep pages)."""
    surely_broad: int = 4
    """A search the planner expects to match this many times `matches` is broad without counting."""


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
    """Relevance to the words searched, or the fused rank score (0 when the page is sorted otherwise)."""
    by_meaning: bool = False
    """Found by meaning alone: none of the words searched are in its text."""


class SearchPage(BaseModel):
    hits: list[TenderHit]
    total: int
    total_is_estimate: bool
    page: int
    page_size: int
    corrected_text: str | None = None
    """When the query had typos: what was searched instead."""
    tenders_indexing: int = 0
    """Tenders just imported whose text is not searchable yet (see `compraagil.search.indexing`)."""


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


def _count(session: Session, where: str, params: dict, breadth: Breadth) -> tuple[int, bool]:
    """Exact up to `breadth.matches` matches; beyond that, the planner's estimate, never below that
    many (the page reads «Más de 5.000 resultados»). An estimate far above that many is taken at
    once: counting the first matches reads a table page for each (15 ms at 10M quote lines)."""
    plan = session.execute(
        text(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM tenders t WHERE {where}"), params
    ).scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    estimate = int(plan[0]["Plan"]["Plan Rows"])
    if estimate >= breadth.surely_broad * breadth.matches:
        return estimate, True
    exact = session.execute(
        text(f"SELECT count(*) FROM (SELECT 1 FROM tenders t WHERE {where} LIMIT :cap) capped"),
        {**params, "cap": breadth.matches + 1},
    ).scalar_one()
    if exact <= breadth.matches:
        return exact, False
    return max(breadth.matches, estimate), True


WINDOW_ORDER = {Sort.RELEVANCE: "t.closes_at DESC", Sort.CLOSING: ORDER[Sort.CLOSING]}
"""The btree order a broad search reads its window in (relevance: newest first)."""
MATCHES_BY_AMOUNT = "coalesce(t.amount_available, -1) DESC, t.id"
"""The amount order of a text search, computed rather than read from its index: the planner would
walk the index expecting matches spread evenly, but a product's tenders cluster at its price level
(«agua mineral sin gas» read 359,000 tenders before the 20 largest matches)."""


def _page_sql(query: SearchQuery, where: str) -> str:
    """One page of (id, score) of all the matches."""
    if query.text and query.sort is Sort.RELEVANCE:
        score, sort = RANK, ORDER[Sort.RELEVANCE]
    elif query.text and query.sort is Sort.AMOUNT:
        score, sort = "0", MATCHES_BY_AMOUNT
    else:
        score, sort = "0", ORDER[Sort.CLOSING if query.sort is Sort.RELEVANCE else query.sort]
    return f"SELECT t.id, {score} AS score FROM tenders t WHERE {where} ORDER BY {sort} LIMIT :limit OFFSET :offset"


def _window_page_sql(query: SearchQuery, where: str) -> str:
    """One page of (id, score) of the matches among the window's tenders, read in page order."""
    window = (
        "(SELECT * FROM tenders t WHERE t.closes_at IS NOT NULL"
        f" ORDER BY {WINDOW_ORDER[query.sort]} LIMIT :window) t"
    )
    score = "0"
    if query.sort is Sort.RELEVANCE:
        window = f"(SELECT * FROM {window} WHERE {where} LIMIT :candidates) t"
        where, score = "true", RANK
    return (
        f"SELECT t.id, {score} AS score FROM {window} WHERE {where}"
        f" ORDER BY {ORDER[query.sort]} LIMIT :limit OFFSET :offset"
    )


def _page_ids(
    session: Session,
    query: SearchQuery,
    where: str,
    params: dict,
    breadth: Breadth | None,
    *,
    limit: int,
    offset: int,
) -> list[tuple[int, float]]:
    """The (id, score) of `limit` tenders from `offset` of the matches, in the page's order.

    A broad text search (`breadth` given) by relevance or closing date first reads only a window of
    tenders in the page's order (newest first for relevance), through a btree: the page usually fills after a few hundred
    rows, where ranking or sorting every match reads tens of thousands. Relevance ranks the first
    candidates of that window. When the window cannot fill the page, every match
    is read.
    """
    params = {**params, "limit": limit, "offset": offset}
    if breadth and query.text and query.sort in WINDOW_ORDER:
        window_params = {
            **params,
            "window": breadth.window,
            "candidates": max(breadth.candidates, offset + limit),
        }
        page = session.execute(text(_window_page_sql(query, where)), window_params).all()
        if len(page) == limit:
            return page
    return session.execute(text(_page_sql(query, where)), params).all()


def _hits(
    session: Session, query: SearchQuery, page: list[tuple[int, float]], only_meaning: set[int]
) -> list[TenderHit]:
    """What the results table shows of the page's tenders, their names with the matched words marked."""
    headline = (
        f"ts_headline('es_unaccent', t.name, websearch_to_tsquery('es_unaccent', :text),"
        f" 'StartSel={MARK_START}, StopSel={MARK_END}, HighlightAll=true')"
        if query.text
        else "t.name"
    )
    rows = session.execute(
        text(
            f"""
            SELECT t.id, t.codigo, t.name, {headline} AS marked, b.organismo, t.buyer_id, t.region, t.state,
                   t.published_at, t.closes_at, t.amount_available
            FROM tenders t LEFT JOIN buyers b ON b.id = t.buyer_id
            WHERE t.id = ANY(:ids)
            """
        ),
        {"text": query.text, "ids": [tender_id for tender_id, _ in page]},
    ).all()
    by_id = {row.id: row for row in rows}
    return [
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
            score=float(score),
            by_meaning=tender_id in only_meaning,
        )
        for tender_id, score in page
        if (row := by_id.get(tender_id))
    ]


def _hybrid_page(
    session: Session,
    query: SearchQuery,
    where: str,
    params: dict,
    breadth: Breadth | None,
    total: int,
    typed: str,
) -> tuple[list[tuple[int, float]], int, set[int]]:
    """The page of the words' ranking fused with the meaning's of the words as `typed` (RRF), the
    total with the tenders only meaning found added, and which those are. Words alone when meaning
    offers nothing."""
    other_clauses, other_params = _filters(query.model_copy(update={"text": ""}))
    near = [
        tender_id
        for tender_id, _ in meaning.nearest(session, typed, " AND ".join(other_clauses), other_params)
    ]
    if not near:
        return (
            _page_ids(session, query, where, params, breadth, limit=query.page_size, offset=query.offset),
            total,
            set(),
        )
    depth = max(meaning.DEPTH, query.offset + query.page_size)
    words = (
        [
            tender_id
            for tender_id, _ in _page_ids(session, query, where, params, breadth, limit=depth, offset=0)
        ]
        if total
        else []
    )
    with_words = session.execute(
        text(f"SELECT t.id FROM tenders t WHERE t.id = ANY(:near) AND {FULL_TEXT}"),
        {"near": near, "text": query.text},
    ).scalars()
    only_meaning = set(near) - set(with_words)
    fused = meaning.fuse(words, near)
    return fused[query.offset : query.offset + query.page_size], total + len(only_meaning), only_meaning


def _search(
    session: Session, query: SearchQuery, breadth: Breadth = Breadth(), by_meaning: bool = True
) -> SearchPage:
    """Full text; when it finds nothing, the query's misspelt words are corrected and it runs again.
    Ranked by relevance, the words' ranking is fused with the meaning's (`compraagil.search.meaning`)."""
    clauses, params = _filters(query)
    where = " AND ".join(clauses)
    total, estimated = _count(session, where, params, breadth)
    corrected_text, typed = None, query.text
    if query.text and total == 0 and (fixed := corrected(session=session, query=query.text)):
        query = query.model_copy(update={"text": fixed})
        clauses, params = _filters(query)
        where = " AND ".join(clauses)
        total, estimated = _count(session, where, params, breadth)
        corrected_text = fixed if total else None
    breadth_used = breadth if estimated else None
    only_meaning: set[int] = set()
    if by_meaning and query.text and query.sort is Sort.RELEVANCE:
        page, total, only_meaning = _hybrid_page(session, query, where, params, breadth_used, total, typed)
    else:
        page = _page_ids(
            session, query, where, params, breadth_used, limit=query.page_size, offset=query.offset
        )
    indexing = session.execute(text(PENDING_COUNT)).scalar_one() if query.text else 0
    return SearchPage(
        hits=_hits(session, query, page, only_meaning),
        total=total,
        total_is_estimate=estimated,
        corrected_text=corrected_text,
        tenders_indexing=indexing,
        page=query.page,
        page_size=query.page_size,
    )


def search_tenders(*, session: Session, query: SearchQuery, by_meaning: bool = True) -> SearchPage:
    """One page of tenders matching `query` (cached for 15 minutes); by relevance, tenders near in
    meaning join those matching the words unless `by_meaning` is off."""
    key = {**query.model_dump(mode="json"), "by_meaning": by_meaning}

    def compute() -> SearchPage:
        with reading(session) as reader:
            return _search(reader, query, by_meaning=by_meaning)

    return cache.cached("search", key, SearchPage, compute)
