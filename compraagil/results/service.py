"""«Mis resultados» from the history: every Compra Ágil the company's RUT quoted in the window.

Four reads, none per row: the company's own quotes by its supplier id; every quote of those processes
and the company's lines, both looked up by the partition key `(closing_date, tender_codigo)`; then the
market median of each (product, month) those lines quote.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import text
from sqlmodel import Session

from compraagil.chile.rut import format_rut, parse_rut
from compraagil.errors import InvalidInput, NotFound
from compraagil.models import Company
from compraagil.results.logic import (
    MyLine,
    Offer,
    Process,
    QuoteResult,
    Summary,
    quote_results,
    summarize,
)

WINDOWS = (6, 12, 24, 36)
"""Months the page offers; two years by default."""
DEFAULT_MONTHS = 24

MY_QUOTES_SQL = """
SELECT closing_date, tender_codigo, quote_number FROM quotes
WHERE supplier_id = :supplier_id AND closing_date >= :since
"""

# `OFFSET 0` keeps each lateral read a lookup by the partition key (one partition, its primary key)
# instead of letting the planner hash-join every quote of the window.
OFFERS_SQL = """
WITH mine AS MATERIALIZED (
    SELECT m.closing_date, m.tender_codigo, coalesce(t.name, m.tender_codigo) AS tender_name,
           coalesce(t.state = 'desierta', false) AS deserted, coalesce(b.organismo, '') AS organismo
    FROM (SELECT DISTINCT * FROM unnest(CAST(:dates AS date[]), CAST(:codigos AS text[]))
          AS u(closing_date, tender_codigo)) m
    LEFT JOIN tenders t ON t.codigo = m.tender_codigo
    LEFT JOIN buyers b ON b.id = t.buyer_id
)
SELECT q.supplier_id, coalesce(s.name, '') AS supplier_name, q.quote_number, q.total_clp,
       q.state IS NULL AS admissible, q.winner, m.closing_date, m.tender_codigo, m.tender_name, m.deserted,
       m.organismo
FROM mine m
CROSS JOIN LATERAL (
    SELECT supplier_id, quote_number, total_clp, state, winner FROM quotes q
    WHERE q.closing_date = m.closing_date AND q.tender_codigo = m.tender_codigo
    OFFSET 0
) q
LEFT JOIN suppliers s ON s.id = q.supplier_id AND q.winner
ORDER BY m.closing_date DESC, m.tender_codigo
"""
"""Every quote of my processes; a supplier's name only where it won (the only name shown)."""

OFFER_COLUMNS = slice(0, 6)
"""The columns of OFFERS_SQL that make an Offer, in its field order."""

MY_LINES_SQL = """
WITH lines AS MATERIALIZED (
    SELECT l.* FROM unnest(CAST(:dates AS date[]), CAST(:codigos AS text[]), CAST(:numbers AS smallint[]))
        AS m(closing_date, tender_codigo, quote_number)
    CROSS JOIN LATERAL (
        SELECT tender_codigo, quote_number, line_number, product_id, closing_date, currency, unit_price
        FROM quote_lines l
        WHERE l.closing_date = m.closing_date AND l.tender_codigo = m.tender_codigo
          AND l.supplier_id = :supplier_id AND l.quote_number = m.quote_number
        OFFSET 0
    ) l
)
SELECT l.tender_codigo, l.quote_number, l.product_id, p.name AS product,
       date_trunc('month', l.closing_date)::date AS month,
       CASE WHEN l.currency = 'CLP' AND l.unit_price > 0 THEN l.unit_price END AS unit_price
FROM lines l
JOIN products p ON p.id = l.product_id
ORDER BY l.tender_codigo, l.quote_number, l.line_number
"""

MARKET_SQL = """
SELECT w.product_id, w.month, l.median
FROM unnest(CAST(:products AS integer[]), CAST(:months AS date[])) AS w(product_id, month)
CROSS JOIN LATERAL (
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY l.unit_price)::numeric(18, 4) AS median
    FROM quote_lines l
    WHERE l.product_id = w.product_id
      AND l.closing_date >= w.month AND l.closing_date < (w.month + interval '1 month')::date
      AND l.currency = 'CLP' AND l.unit_price > 0
) l
"""
"""The market median of each (product, month) asked for: every CLP unit price quoted for it."""


@dataclass(frozen=True)
class MyResults:
    """What «Mis resultados» shows: the rows (one per quote, newest first) and their summary."""

    rut: str
    """The company's RUT as `76.123.456-7`; empty when the company has not given one."""
    supplier_name: str
    """The history's name for that RUT; empty when the RUT never quoted."""
    months: int
    since: date
    rows: list[QuoteResult]
    summary: Summary


def _window(months: int, today: date) -> date:
    if months not in WINDOWS:
        raise InvalidInput(f"Elige un período de {', '.join(map(str, WINDOWS))} meses.")
    return today - timedelta(days=round(months * 365.25 / 12))


def _my_quotes(session: Session, supplier_id: int, since: date) -> dict[str, list]:
    """My quotes' keys as parallel lists (dates, codigos, quote numbers), for the reads that follow."""
    keys = session.execute(text(MY_QUOTES_SQL), {"supplier_id": supplier_id, "since": since}).all()
    return {
        "dates": [k.closing_date for k in keys],
        "codigos": [k.tender_codigo for k in keys],
        "numbers": [k.quote_number for k in keys],
    }


def _processes(session: Session, keys: dict[str, list]) -> list[Process]:
    params = {"dates": keys["dates"], "codigos": keys["codigos"]}
    grouped: dict[str, list] = defaultdict(list)
    for row in session.execute(text(OFFERS_SQL), params).all():
        grouped[row.tender_codigo].append(row)
    return [
        Process(
            codigo=codigo,
            name=rows[0].tender_name,
            organismo=rows[0].organismo,
            closing_date=rows[0].closing_date,
            deserted=rows[0].deserted,
            offers=tuple(Offer(*row[OFFER_COLUMNS]) for row in rows),
        )
        for codigo, rows in grouped.items()
    ]


def _lines(session: Session, supplier_id: int, keys: dict[str, list]) -> dict[str, list[MyLine]]:
    """My lines by process, each with its product's market median that month."""
    rows = session.execute(text(MY_LINES_SQL), {"supplier_id": supplier_id, **keys}).all()
    wanted = sorted({(r.product_id, r.month) for r in rows if r.unit_price is not None})
    medians = {
        (m.product_id, m.month): m.median
        for m in session.execute(
            text(MARKET_SQL),
            {"products": [p for p, _ in wanted], "months": [month for _, month in wanted]},
        )
    }
    lines: dict[str, list[MyLine]] = defaultdict(list)
    for r in rows:
        lines[r.tender_codigo].append(
            MyLine(
                r.tender_codigo, r.quote_number, r.product, r.unit_price, medians.get((r.product_id, r.month))
            )
        )
    return lines


def _supplier(session: Session, rut: str) -> tuple[int, str] | None:
    found = session.execute(text("SELECT id, name FROM suppliers WHERE rut = :rut"), {"rut": rut}).first()
    return (found.id, found.name) if found else None


def my_results(*, session: Session, company_id: int, today: date, months: int = DEFAULT_MONTHS) -> MyResults:
    """The company's quotes of the last `months` against their processes, with summaries."""
    since = _window(months, today)
    company = session.get(Company, company_id)
    if company is None:
        raise NotFound("No encontramos tu empresa. Inicia sesión de nuevo.")
    supplier = _supplier(session, company.rut) if company.rut else None
    rows: list[QuoteResult] = []
    if supplier:
        keys = _my_quotes(session, supplier[0], since)
        lines = _lines(session, supplier[0], keys)
        for process in _processes(session, keys):
            rows.extend(quote_results(process, supplier[0], lines.get(process.codigo, ())))
    return MyResults(
        rut=format_rut(parse_rut(company.rut)) if company.rut else "",
        supplier_name=supplier[1] if supplier else "",
        months=months,
        since=since,
        rows=rows,
        summary=summarize(rows),
    )
