"""Pure rules of the price analysis: outliers, confidence, comparisons and the insights' wording."""

from compraagil.chile.money import format_clp
from compraagil.chile.regions import region_name

OUTLIER_FENCE = 1.5
"""Tukey's rule on the logarithm of unit prices: a price is an outlier when its log lies more than
1.5 interquartile ranges outside the quartiles. Log scale, because prices are log-normal."""

SUGGESTED_PERCENTILE = 0.40
MIN_WINNERS_FOR_SUGGESTION = 5


def confidence(sample_size: int) -> str:
    """`alta` from 100 prices, `media` from 30, `baja` below."""
    if sample_size >= 100:
        return "alta"
    if sample_size >= 30:
        return "media"
    return "baja"


def percent_difference(value: float, reference: float) -> float:
    """How much `value` is above (+) or below (−) `reference`, in percent."""
    return (value / reference - 1) * 100


def _more_or_less(percent: float) -> str:
    return f"un {abs(percent):.0f} % {'más' if percent > 0 else 'menos'}"


def insights(
    *,
    suggested: float,
    winners_median: float | None,
    all_median: float,
    national_median: float,
    buyer_median: float | None,
    region: int | None,
    region_median: float | None,
    recent_median: float | None,
    earlier_median: float | None,
    top_supplier: tuple[str, int, int, float] | None,
) -> list[str]:
    """Actionable sentences, each computed from the figures given (none is canned)."""
    said = [f"Precio sugerido {format_clp(suggested)}: el percentil 40 de los precios que ganaron."]
    if winners_median is not None:
        gap = percent_difference(winners_median, all_median)
        said.append(
            f"Las ofertas ganadoras tienen una mediana de {format_clp(winners_median)}, "
            f"{_more_or_less(gap)} que la mediana de todas las cotizaciones ({format_clp(all_median)})."
        )
    if buyer_median is not None:
        gap = percent_difference(buyer_median, national_median)
        said.append(
            f"Este organismo paga {_more_or_less(gap)} que la mediana nacional ({format_clp(national_median)})."
        )
    if region is not None and region_median is not None:
        gap = percent_difference(region_median, national_median)
        said.append(f"En la {region_name(region)} se paga {_more_or_less(gap)} que la mediana nacional.")
    if recent_median is not None and earlier_median is not None:
        gap = percent_difference(recent_median, earlier_median)
        direction = "subieron" if gap > 0 else "bajaron"
        said.append(
            f"Los precios {direction} {abs(gap):.0f} % en los últimos 3 meses respecto de los 12 anteriores."
        )
    if top_supplier is not None:
        name, wins, quotes, median = top_supplier
        said.append(
            f"{name} ganó {wins} de las {quotes} veces que cotizó ({wins / quotes:.0%}), "
            f"con un precio mediano de {format_clp(median)}."
        )
    return said
