"""The prices a quote shows the win model, as its training rows have them."""

import math

from compraagil.scoring.item_curves import highest_reaching, price_ratio


def test_price_ratio_is_the_geometric_mean_of_price_over_median():
    assert price_ratio([]) is None
    assert math.isclose(price_ratio([(120.0, 100.0)]), 1.2)
    assert math.isclose(price_ratio([(200.0, 100.0), (50.0, 100.0)]), 1.0)


def test_the_highest_price_still_reaching_a_chance():
    curve = [(60.0, 0.8), (80.0, 0.7), (100.0, 0.55), (120.0, 0.3)]
    assert highest_reaching(curve, 0.5) == 100.0
    assert highest_reaching(curve, 0.7) == 80.0
    assert highest_reaching(curve, 0.9) is None
