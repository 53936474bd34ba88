"""The price trend's axis speaks Spanish: its month ticks and hover are written by us, at most
MAX_MONTH_TICKS of them, on the real month positions."""

from compraagil.pricing.service import MonthPoint, PriceAnalysis, PriceQuery
from compraagil_web.components.price_charts import MAX_MONTH_TICKS, trend


def analysis(months: list[str]) -> PriceAnalysis:
    return PriceAnalysis(
        query=PriceQuery(product="guantes nitrilo"),
        matched_products=["guantes nitrilo"],
        sample_size=100,
        outliers_removed=0,
        confidence="alta",
        all_quotes=None,
        winning_quotes=None,
        suggested_price=None,
        national_median=None,
        buyer_median=None,
        buyer_vs_national=None,
        region_median=None,
        region_vs_national=None,
        monthly=[MonthPoint(month=month, median=1000 + index, n=5) for index, month in enumerate(months)],
        top_suppliers=[],
        insights=[],
        price_sample=[],
    )


def test_month_ticks_and_hover_are_spanish():
    months = [f"{2024 + (n // 12)}-{n % 12 + 1:02d}" for n in range(24)]
    figure = trend(analysis(months))
    axis = figure.layout.xaxis
    assert len(axis.ticktext) <= MAX_MONTH_TICKS
    assert axis.ticktext[0] == "ene 2024" and list(axis.tickvals)[0] == "2024-01"
    assert all(label.split()[0] in ("ene", "abr", "jul", "oct") for label in axis.ticktext)
    assert figure.data[0].customdata[8] == "sept 2024"
