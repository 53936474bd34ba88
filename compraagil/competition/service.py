"""Organismo and supplier profiles from the quotes history (cached for an hour)."""

from datetime import date, timedelta

from pydantic import BaseModel
from sqlalchemy import text
from sqlmodel import Session

from compraagil import cache
from compraagil.errors import NotFound

WINDOW_DAYS = 730


class Ranked(BaseModel):
    name: str
    count: int
    extra: float | None = None


class BuyerProfile(BaseModel):
    """An organismo's buying units seen together: what it spends and with whom."""

    organismo: str
    units: int
    region: int | None
    processes: int
    spend: float
    """Awarded spend in CLP: the totals of the winning quotes (a quote's total once, not per line)."""
    average_quotes: float
    """Suppliers quoting per process, on average."""
    products: list[Ranked]
    """Products by the number of processes that quoted them."""
    suppliers: list[Ranked]
    """Suppliers by processes won; `extra` is what they were awarded in CLP (their winning quotes' totals)."""


class SupplierProfile(BaseModel):
    """A supplier's record: how often it quotes and wins, where, for whom, and at what price."""

    name: str
    rut: str
    size: str | None
    quotes: int
    """Quotes sent (a supplier may send two in one process), not their lines."""
    processes: int
    wins: int
    """Processes won."""
    awarded: float
    """Awarded in CLP: the totals of its winning quotes."""
    regions: list[Ranked]
    buyers: list[Ranked]
    price_position: float | None
    """Median of (its unit price / the product's median that month) − 1, in percent (unit prices only)."""


BUYER_SQL = """
WITH units AS (SELECT id, region FROM buyers WHERE organismo = (SELECT organismo FROM buyers WHERE id = :buyer_id)),
offers AS (SELECT q.* FROM quotes q WHERE q.buyer_id IN (SELECT id FROM units) AND q.closing_date >= :since),
lines AS (SELECT l.tender_codigo, l.product_id FROM quote_lines l
          WHERE l.buyer_id IN (SELECT id FROM units) AND l.closing_date >= :since)
SELECT
    (SELECT organismo FROM buyers WHERE id = :buyer_id) AS organismo,
    (SELECT count(*) FROM units) AS units,
    (SELECT mode() WITHIN GROUP (ORDER BY region) FROM units) AS region,
    (SELECT count(DISTINCT tender_codigo) FROM offers) AS processes,
    (SELECT coalesce(sum(total_clp), 0) FROM offers WHERE winner) AS spend,
    (SELECT coalesce(avg(n), 0) FROM (SELECT count(DISTINCT supplier_id) AS n FROM offers GROUP BY tender_codigo) c)
        AS average_quotes,
    (SELECT json_agg(p) FROM (SELECT pr.name, count(DISTINCT l.tender_codigo) AS count FROM lines l
        JOIN products pr ON pr.id = l.product_id GROUP BY pr.name ORDER BY 2 DESC LIMIT 8) p) AS products,
    (SELECT json_agg(s) FROM (SELECT su.name, count(DISTINCT o.tender_codigo) AS count,
        sum(o.total_clp)::float8 AS extra FROM offers o
        JOIN suppliers su ON su.id = o.supplier_id WHERE o.winner GROUP BY su.name ORDER BY 2 DESC LIMIT 8) s) AS suppliers
"""

SUPPLIER_SQL = """
WITH offers AS (SELECT q.* FROM quotes q WHERE q.supplier_id = :supplier_id AND q.closing_date >= :since),
lines AS (SELECT l.* FROM quote_lines l WHERE l.supplier_id = :supplier_id AND l.closing_date >= :since),
market AS (
    SELECT q.product_id, date_trunc('month', q.closing_date) AS month,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY q.unit_price) AS median
    FROM quote_lines q
    WHERE q.product_id IN (SELECT DISTINCT product_id FROM lines) AND q.closing_date >= :since
      AND q.unit_price > 0 AND q.currency = 'CLP'
    GROUP BY 1, 2
)
SELECT
    (SELECT count(*) FROM offers) AS quotes,
    (SELECT count(DISTINCT tender_codigo) FROM offers) AS processes,
    (SELECT count(DISTINCT tender_codigo) FROM offers WHERE winner) AS wins,
    (SELECT coalesce(sum(total_clp), 0) FROM offers WHERE winner) AS awarded,
    (SELECT json_agg(r) FROM (SELECT region::text AS name, count(DISTINCT tender_codigo) AS count FROM offers
        WHERE region IS NOT NULL GROUP BY region ORDER BY 2 DESC LIMIT 6) r) AS regions,
    (SELECT json_agg(b) FROM (SELECT bu.organismo AS name, count(DISTINCT o.tender_codigo) AS count FROM offers o
        JOIN buyers bu ON bu.id = o.buyer_id GROUP BY bu.organismo ORDER BY 2 DESC LIMIT 8) b) AS buyers,
    (SELECT (percentile_cont(0.5) WITHIN GROUP (ORDER BY h.unit_price / m.median) - 1) * 100
     FROM lines h JOIN market m ON m.product_id = h.product_id AND m.month = date_trunc('month', h.closing_date)
     WHERE h.unit_price > 0 AND h.currency = 'CLP') AS price_position
"""


def _ranked(rows: list[dict] | None) -> list[Ranked]:
    return [Ranked(**row) for row in rows or []]


def buyer_profile(*, session: Session, buyer_id: int, today: date) -> BuyerProfile:
    """The organismo that `buyer_id` belongs to, over the last two years; raises NotFound."""

    def compute() -> BuyerProfile:
        row = session.execute(
            text(BUYER_SQL), {"buyer_id": buyer_id, "since": today - timedelta(days=WINDOW_DAYS)}
        ).one()
        if row.organismo is None:
            raise NotFound("No encontramos ese organismo. Revisa el enlace o búscalo en Buscar.")
        return BuyerProfile(
            organismo=row.organismo, units=row.units, region=row.region, processes=row.processes,
            spend=float(row.spend), average_quotes=float(row.average_quotes),
            products=_ranked(row.products), suppliers=_ranked(row.suppliers),
        )  # fmt: skip

    return cache.cached("profile", {"buyer": buyer_id, "today": today.isoformat()}, BuyerProfile, compute)


def supplier_profile(*, session: Session, rut: str, today: date) -> SupplierProfile:
    """A supplier by its compact RUT (`76123456-7`), over the last two years; raises NotFound."""

    def compute() -> SupplierProfile:
        supplier = session.execute(
            text("SELECT id, name, rut, size FROM suppliers WHERE rut = :rut"), {"rut": rut}
        ).one_or_none()
        if supplier is None:
            raise NotFound(f"No encontramos el proveedor con RUT {rut}. Revisa el RUT.")
        row = session.execute(
            text(SUPPLIER_SQL), {"supplier_id": supplier.id, "since": today - timedelta(days=WINDOW_DAYS)}
        ).one()
        return SupplierProfile(
            name=supplier.name, rut=supplier.rut, size=supplier.size, quotes=row.quotes, processes=row.processes,
            wins=row.wins, awarded=float(row.awarded), regions=_ranked(row.regions), buyers=_ranked(row.buyers),
            price_position=row.price_position,
        )  # fmt: skip

    return cache.cached("profile", {"supplier": rut, "today": today.isoformat()}, SupplierProfile, compute)
