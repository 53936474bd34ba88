"""«Precio para ganar» per requested item: the chance of winning against one item's unit price, the
other items at their suggested prices — the same model and features as the whole quote's curve.

A quote's prices enter the model as the training rows' `price_ratio` (`features.py`): the geometric
mean of each line's unit price over its product's median. An approximation at scoring time: the
median is the price analysis's (every spelling of the product, over its window), where training
used the exact product's previous month."""

import math
from dataclasses import dataclass

import numpy as np

from compraagil.pricing.quote_guidance import ItemGuidance
from compraagil.scoring.context import Context, features_now

MULTIPLIERS = tuple(round(0.6 + 0.05 * step, 2) for step in range(17))
"""The curves' prices, as shares of the suggested one (60 % … 140 %)."""


@dataclass(frozen=True)
class ItemCurve:
    product: str
    suggested_unit_price: float
    curve: tuple[tuple[float, float], ...]
    """(unit price, chance) from the cheapest to the dearest."""
    price_for_50: float | None
    price_for_70: float | None


def priced(items: list[ItemGuidance]) -> list[ItemGuidance]:
    """The items whose unit price the model can weigh: a suggested price, a quantity and a median."""
    return [
        item
        for item in items
        if item.suggested_unit_price and item.quantity and item.median and item.median > 0
    ]


def price_ratio(prices: list[tuple[float, float]]) -> float | None:
    """The geometric mean of price ÷ median over (price, median) pairs; None without any."""
    if not prices:
        return None
    return math.exp(sum(math.log(price / median) for price, median in prices) / len(prices))


def highest_reaching(curve: list[tuple[float, float]], target: float) -> float | None:
    """The highest price (or total) of the curve whose chance is at least `target`."""
    reaching = [x for x, chance in curve if chance >= target]
    return max(reaching) if reaching else None


def item_curves(model, context: Context, items: list[ItemGuidance], total: float) -> tuple[ItemCurve, ...]:
    """Each priced item's curve, the quote otherwise as suggested (one prediction for all of them)."""
    known = priced(items)
    if not known:
        return ()
    base = [(float(item.suggested_unit_price), float(item.median)) for item in known]
    rows = []
    for index, item in enumerate(known):
        quantity = float(item.quantity)
        for share in MULTIPLIERS:
            price = item.suggested_unit_price * share
            prices = [*base[:index], (price, base[index][1]), *base[index + 1 :]]
            moved = total + quantity * (price - item.suggested_unit_price)
            rows.append(features_now(context, total_clp=moved, price_ratio=price_ratio(prices)))
    chances = model.estimator.predict_proba(np.array(rows))[:, 1].reshape(len(known), len(MULTIPLIERS))
    curves = []
    for item, row in zip(known, chances, strict=True):
        curve = [
            (item.suggested_unit_price * share, float(chance))
            for share, chance in zip(MULTIPLIERS, row, strict=True)
        ]
        curves.append(
            ItemCurve(
                item.product, float(item.suggested_unit_price), tuple(curve),
                highest_reaching(curve, 0.5), highest_reaching(curve, 0.7),
            )
        )  # fmt: skip
    return tuple(curves)
