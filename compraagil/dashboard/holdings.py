"""What the database holds, counted exactly: for a person (aligned Spanish lines) and for scripts
(one JSON object). `python -m compraagil stats` shows it; on 10M quote lines it takes seconds.

Money in JSON is a number of pesos: an integer when whole, otherwise a float rounded to cents.
A float holds every whole peso up to 2**53 (about 9 × 10**15 CLP) exactly, far beyond any total
here, and scripts read numbers more easily than strings.
"""

from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import text
from sqlmodel import Session

from compraagil.chile.money import format_clp, format_count

CENT = Decimal("0.01")
SOURCES = ("cot", "api")
"""Where tenders come from: COT open-data files, the Compra Ágil API v2."""


@dataclass(frozen=True)
class MonthLines:
    """The quote lines of one closing month."""

    month: str
    """`YYYY-MM`."""
    lines: int
    amount_clp: Decimal
    """Sum of the line amounts in CLP (COT lines carry none: only quote totals)."""


@dataclass(frozen=True)
class Holdings:
    """Row counts, money and coverage of the database."""

    quotes: int
    quote_total_clp: Decimal
    suppliers: int
    buyers: int
    products: int
    months: list[MonthLines]
    tenders_by_source: dict[str, int]
    tenders_by_state: dict[str, int]

    @property
    def tenders(self) -> int:
        return sum(self.tenders_by_source.values())

    @property
    def quote_lines(self) -> int:
        return sum(month.lines for month in self.months)

    @property
    def line_amount_clp(self) -> Decimal:
        return sum((month.amount_clp for month in self.months), Decimal(0))

    def as_json(self) -> dict:
        """The figures for scripts (money as numbers, see the module's docstring)."""
        return {
            "tenders": self.tenders,
            "quotes": self.quotes,
            "quote_lines": self.quote_lines,
            "suppliers": self.suppliers,
            "buyers": self.buyers,
            "products": self.products,
            "line_amount_clp": json_money(self.line_amount_clp),
            "quote_total_clp": json_money(self.quote_total_clp),
            "months": [{"month": m.month, "quote_lines": m.lines} for m in self.months],
            "first_month": self.months[0].month if self.months else None,
            "last_month": self.months[-1].month if self.months else None,
            "tenders_by_source": self.tenders_by_source,
            "tenders_by_state": self.tenders_by_state,
        }

    def lines(self) -> list[str]:
        """The figures for a person: one aligned line each, numbers as written in Chile."""
        rows = [
            ("Procesos", format_count(self.tenders), _shares(self.tenders_by_source)),
            ("  por estado", "", _shares(self.tenders_by_state)),
            ("Cotizaciones", format_count(self.quotes), ""),
            ("Líneas cotizadas", format_count(self.quote_lines), ""),
            ("Proveedores", format_count(self.suppliers), ""),
            ("Compradores", format_count(self.buyers), ""),
            ("Productos", format_count(self.products), ""),
            ("Total cotizado", format_clp(self.quote_total_clp), "suma de los totales de cotización en CLP"),
            (
                "Montos de líneas",
                format_clp(self.line_amount_clp),
                "solo donde la fuente da el monto de la línea",
            ),
            ("Meses", str(len(self.months)), _coverage(self.months)),
        ]
        label_width = max(len(label) for label, _, _ in rows)
        value_width = max(len(value) for _, value, _ in rows)
        return [
            f"{label:<{label_width}}  {value:>{value_width}}  {note}".rstrip() for label, value, note in rows
        ]


def json_money(amount: Decimal) -> int | float:
    """Pesos as a JSON number: an integer when whole, otherwise a float rounded to cents."""
    if amount == amount.to_integral_value():
        return int(amount)
    return float(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def _shares(counts: dict[str, int]) -> str:
    return " · ".join(f"{name} {format_count(count)}" for name, count in counts.items())


def _coverage(months: list[MonthLines]) -> str:
    if not months:
        return ""
    return f"{months[0].month} a {months[-1].month}"


def holdings(*, session: Session) -> Holdings:
    """Count what the database holds (exact counts: a scan of each table)."""
    quotes, quote_total = session.execute(
        text("SELECT count(*), coalesce(sum(total_clp), 0) FROM quotes")
    ).one()
    suppliers, buyers, products = session.execute(
        text(
            "SELECT (SELECT count(*) FROM suppliers), (SELECT count(*) FROM buyers), (SELECT count(*) FROM products)"
        )
    ).one()
    by_source, by_state = _tender_counts(session)
    return Holdings(
        quotes=quotes,
        quote_total_clp=quote_total,
        suppliers=suppliers,
        buyers=buyers,
        products=products,
        months=_months(session),
        tenders_by_source=dict.fromkeys(SOURCES, 0) | _most_first(by_source),
        tenders_by_state=_most_first(by_state),
    )


def _months(session: Session) -> list[MonthLines]:
    """Quote lines and their CLP amounts per closing month, in order (one scan of the lines)."""
    rows = session.execute(
        text(
            """
            SELECT to_char(closing_date, 'YYYY-MM') AS month, count(*),
                   coalesce(sum(amount) FILTER (WHERE currency = 'CLP'), 0)
            FROM quote_lines GROUP BY month ORDER BY month
            """
        )
    ).all()
    return [MonthLines(month=month, lines=lines, amount_clp=amount) for month, lines, amount in rows]


def _tender_counts(session: Session) -> tuple[Counter, Counter]:
    """Tenders per source and per state (one scan of the tenders)."""
    by_source, by_state = Counter(), Counter()
    for source, state, count in session.execute(
        text("SELECT source, state, count(*) FROM tenders GROUP BY source, state")
    ):
        by_source[source] += count
        by_state[state] += count
    return by_source, by_state


def _most_first(counts: Counter) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
