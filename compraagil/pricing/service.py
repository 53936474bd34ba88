"""Price analysis for a product query, dictionary first: find every product key the query covers
(`compraagil.pricing.matching`), then aggregate the priced lines of those keys over the window
(`price_lines`, kept by `compraagil.pricing.history`)."""

from datetime import date, datetime, timedelta

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import text
from sqlmodel import Session

from compraagil import cache
from compraagil.chile.dates import SANTIAGO, add_months
from compraagil.db import reading
from compraagil.plans.quotas import metered
from compraagil.plans.table import Feature
from compraagil.pricing import logic
from compraagil.pricing.matching import SIMILARITY_SETTING, covered_keys, query_words
from compraagil.search.query import MAX_ID

CHART_SAMPLE = 1500
SAMPLE_EVERY = 20
"""The priced lines keep an indexed sample of one quote in this many (migration 0023)."""
IN_SAMPLE = "AND q.sampled"
FULL_HISTORY_LIMIT = 50_000
"""Above this many quotes in the window, the figures come from the sample: its percentiles are
within about 1% of the whole history's, at a twentieth of the cost."""

HISTORY_CTES = """
WITH history AS (
    SELECT q.price, q.winner, q.supplier_id, q.buyer_id, q.region, q.closing_date
    FROM price_lines q
    WHERE q.key = ANY(CAST(:keys AS text[])) AND q.closing_date >= :since {sample}
)"""
"""The priced lines of the covered keys in the window: one index scan, every key in it."""

HISTORY_SIZE_SQL = HISTORY_CTES + "\nSELECT count(*) FROM history"

ANALYSIS_SQL = (
    HISTORY_CTES
    + """, fences AS (
    SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY ln(price)) AS q1,
           percentile_cont(0.75) WITHIN GROUP (ORDER BY ln(price)) AS q3
    FROM history
), clean AS (
    SELECT h.* FROM history h, fences f
    WHERE ln(h.price) BETWEEN f.q1 - :fence * (f.q3 - f.q1) AND f.q3 + :fence * (f.q3 - f.q1)
), scope AS (
    SELECT * FROM clean
    WHERE NOT :narrow OR ((CAST(:buyer_id AS integer) IS NULL OR buyer_id = :buyer_id)
                          AND (CAST(:region AS integer) IS NULL OR region = :region))
)
SELECT
    (SELECT count(*) FROM history) AS raw_size,
    (SELECT count(*) FROM clean) AS national_size,
    (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY price) FROM clean) AS national_median,
    (SELECT json_build_object(
        'n', count(*),
        'p', percentile_cont(ARRAY[0.25, 0.40, 0.50, 0.60, 0.75]) WITHIN GROUP (ORDER BY price))
     FROM scope) AS all_quotes,
    (SELECT json_build_object(
        'n', count(*),
        'p', percentile_cont(ARRAY[0.25, 0.40, 0.50, 0.60, 0.75]) WITHIN GROUP (ORDER BY price))
     FROM scope WHERE winner) AS winning_quotes,
    (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY price) FROM clean WHERE buyer_id = :buyer_id)
        AS buyer_median,
    (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY price) FROM clean WHERE region = :region)
        AS region_median,
    (SELECT json_agg(m ORDER BY m.month) FROM (
        SELECT to_char(date_trunc('month', closing_date), 'YYYY-MM') AS month, count(*) AS n,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY price) AS median
        FROM scope GROUP BY 1) m) AS monthly,
    (SELECT json_agg(s ORDER BY s.wins DESC, s.quotes DESC, s.rut) FROM (
        SELECT sup.name, sup.rut, t.quotes, t.wins, percentile_cont(0.5) WITHIN GROUP (ORDER BY c.price) AS median
        FROM (SELECT supplier_id, count(*) AS quotes, count(*) FILTER (WHERE winner) AS wins FROM scope
              GROUP BY supplier_id ORDER BY wins DESC, quotes DESC, supplier_id LIMIT 5) t
        JOIN scope c ON c.supplier_id = t.supplier_id JOIN suppliers sup ON sup.id = t.supplier_id
        GROUP BY sup.id, t.quotes, t.wins) s) AS suppliers,
    (SELECT json_agg(price) FROM scope
     WHERE random() < :sample / greatest((SELECT count(*) FROM scope), 1)::float8) AS sample
"""
)


class PriceQuery(BaseModel):
    """A product as typed by the user. With `narrow`, the figures cover only the buyer and region
    given; without it they are national, and the buyer and region are only compared against them."""

    product: str
    buyer_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    region: int | None = Field(default=None, ge=1, le=16)
    months: int = Field(default=24, ge=1, le=60)
    narrow: bool = True

    @field_validator("product")
    @classmethod
    def _clean(cls, value: str) -> str:
        cleaned = " ".join(value.replace("\x00", " ").split())
        if len(cleaned) < 3:
            raise ValueError("Escribe al menos 3 letras del producto")
        if len(cleaned) > 200:
            raise ValueError("El producto es demasiado largo: usa hasta 200 caracteres")
        return cleaned


class Percentiles(BaseModel):
    n: int
    p25: float
    p40: float
    p50: float
    p60: float
    p75: float


class MonthPoint(BaseModel):
    month: str
    median: float
    n: int


class SupplierFigure(BaseModel):
    name: str
    rut: str
    quotes: int
    wins: int
    median: float

    @property
    def win_rate(self) -> float:
        return self.wins / self.quotes if self.quotes else 0.0


class PriceAnalysis(BaseModel):
    """Everything the price views show; empty figures when the history has nothing to say."""

    query: PriceQuery
    matched_products: list[str]
    """The plainest (shortest) names of the five plainest keys the query covers."""
    matched_names: int = 0
    """How many product names (spellings) the query covers, through its keys."""
    sampled: bool = False
    """The counts are estimated from the history's 1-in-20 sample (and scaled up to the whole)."""
    sample_size: int
    outliers_removed: int
    confidence: str
    all_quotes: Percentiles | None
    winning_quotes: Percentiles | None
    suggested_price: float | None
    national_median: float | None
    buyer_median: float | None
    buyer_vs_national: float | None
    region_median: float | None
    region_vs_national: float | None
    monthly: list[MonthPoint]
    top_suppliers: list[SupplierFigure]
    insights: list[str]
    price_sample: list[float]


def _percentiles(figures: dict | None, scale: int) -> Percentiles | None:
    if not figures or not figures["n"]:
        return None
    p25, p40, p50, p60, p75 = figures["p"]
    return Percentiles(n=figures["n"] * scale, p25=p25, p40=p40, p50=p50, p60=p60, p75=p75)


def _medians_around(monthly: list[MonthPoint], today: date) -> tuple[float | None, float | None]:
    """Median of monthly medians for the last 3 months (and this one so far), and for the 12 before them."""
    recent_start = add_months(today, -3).strftime("%Y-%m")
    earlier_start = add_months(today, -15).strftime("%Y-%m")
    recent = [p.median for p in monthly if p.month >= recent_start]
    earlier = [p.median for p in monthly if earlier_start <= p.month < recent_start]
    return _median(recent), _median(earlier)


def _median(values: list[float]) -> float | None:
    return sorted(values)[len(values) // 2] if values else None


def _history_params(query: PriceQuery, today: date) -> dict:
    return {"since": today - timedelta(days=round(query.months * 30.44))}


def matched(session: Session, query: PriceQuery) -> list[tuple[str, int, str]]:
    """Every product key the query covers (key, how many names share it, the plainest of them),
    the most written first (the shortest name alone is often a typo that dropped a letter)."""
    session.execute(text(SIMILARITY_SETTING))
    keys, params = covered_keys(query_words(session, query.product))
    ordered = f"SELECT key, names, plainest FROM ({keys}) k ORDER BY names DESC, length(plainest), key"
    return [tuple(row) for row in session.execute(text(ordered), params)]


def _figures(session: Session, query: PriceQuery, today: date, keys: list[str], *, sampled: bool):
    """One row with every figure, from the whole history or from its sample."""
    return session.execute(
        text(ANALYSIS_SQL.format(sample=IN_SAMPLE if sampled else "")),
        {
            "keys": keys,
            **_history_params(query, today),
            "fence": logic.OUTLIER_FENCE,
            "buyer_id": query.buyer_id,
            "region": query.region,
            "narrow": query.narrow,
            "sample": CHART_SAMPLE,
        },
    ).one()


def _analyze(
    session: Session, query: PriceQuery, today: date, full_history_limit: int = FULL_HISTORY_LIMIT
) -> PriceAnalysis:
    """The sample's size says how large the history is; a large one is answered from the sample."""
    covered = matched(session, query)
    keys = [key for key, _, _ in covered]
    in_sample = session.execute(
        text(HISTORY_SIZE_SQL.format(sample=IN_SAMPLE)), {"keys": keys, **_history_params(query, today)}
    ).scalar_one()
    sampled = in_sample * SAMPLE_EVERY > full_history_limit
    row = _figures(session, query, today, keys, sampled=sampled)
    scale = SAMPLE_EVERY if sampled else 1
    all_quotes, winners = _percentiles(row.all_quotes, scale), _percentiles(row.winning_quotes, scale)
    monthly = [MonthPoint(**{**point, "n": point["n"] * scale}) for point in row.monthly or []]
    suppliers = [
        SupplierFigure(**{**supplier, "quotes": supplier["quotes"] * scale, "wins": supplier["wins"] * scale})
        for supplier in row.suppliers or []
    ]
    national = row.national_median
    suggested = None
    said: list[str] = []
    if all_quotes:
        use_winners = winners is not None and winners.n >= logic.MIN_WINNERS_FOR_SUGGESTION
        suggested = winners.p40 if use_winners else all_quotes.p40
        recent, earlier = _medians_around(monthly, today)
        leader = suppliers[0] if suppliers and suppliers[0].wins else None
        said = logic.insights(
            suggested=suggested,
            winners_median=winners.p50 if winners else None,
            all_median=all_quotes.p50,
            national_median=national,
            buyer_median=row.buyer_median,
            region=query.region,
            region_median=row.region_median,
            recent_median=recent,
            earlier_median=earlier,
            top_supplier=(leader.name, leader.wins, leader.quotes, leader.median) if leader else None,
        )
    return PriceAnalysis(
        query=query,
        matched_products=[plainest for _, _, plainest in covered[:5]],
        matched_names=sum(names for _, names, _ in covered),
        sampled=sampled,
        sample_size=all_quotes.n if all_quotes else 0,
        outliers_removed=(row.raw_size - row.national_size) * scale,
        confidence=logic.confidence(all_quotes.n if all_quotes else 0),
        all_quotes=all_quotes,
        winning_quotes=winners,
        suggested_price=suggested,
        national_median=national,
        buyer_median=row.buyer_median,
        buyer_vs_national=logic.percent_difference(row.buyer_median, national) if row.buyer_median else None,
        region_median=row.region_median,
        region_vs_national=logic.percent_difference(row.region_median, national)
        if row.region_median
        else None,
        monthly=monthly,
        top_suppliers=suppliers,
        insights=said,
        price_sample=row.sample or [],
    )


def analyze_prices(*, session: Session, query: PriceQuery, today: date | None = None) -> PriceAnalysis:
    """The price analysis for `query` (cached for an hour)."""
    today = today or datetime.now(SANTIAGO).date()
    params = {**query.model_dump(), "today": today.isoformat()}

    def compute() -> PriceAnalysis:
        with reading(session) as reader:
            return _analyze(reader, query, today)

    return cache.cached("price", params, PriceAnalysis, compute)


def metered_price_analysis(*, session: Session, company_id: int, query: PriceQuery) -> PriceAnalysis:
    """`analyze_prices` counted against the company's daily quota (an already validated query; a
    failure on our side gives the use back)."""
    with metered(session=session, company_id=company_id, feature=Feature.PRICE_ANALYSIS):
        return analyze_prices(session=session, query=query)
