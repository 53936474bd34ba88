import math
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from compraagil.db import get_engine, session_scope
from compraagil.ingest.values import product_name
from compraagil.pricing.service import PriceQuery, _analyze
from tests.cot_files import row
from tests.factories import GLOVES_PRODUCT, TODAY, analyze, cot_history, rut


def quantile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (what percentile_cont computes)."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def independent_figures(since: date, region: int | None = None, in_sample: bool = False) -> dict:
    """The figures computed here in Python; `in_sample` keeps only the 1-in-20 sample of migration 0006."""
    sample = " AND hashtextextended(q.tender_codigo, q.supplier_id) % 20 = 0" if in_sample else ""
    with get_engine().connect() as conn:
        rows = conn.execute(
            text(
                "SELECT q.unit_price::float8, q.winner, q.region FROM quote_lines q JOIN products p ON p.id = q.product_id"
                " WHERE p.name = :name AND q.closing_date >= :since AND q.unit_price > 0" + sample
            ),
            {"name": GLOVES_PRODUCT.lower(), "since": since},
        ).all()
    logs = [math.log(price) for price, _, _ in rows]
    q1, q3 = quantile(logs, 0.25), quantile(logs, 0.75)
    low, high = q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
    kept = [(price, winner, r) for price, winner, r in rows if low <= math.log(price) <= high]
    scoped = [k for k in kept if region is None or k[2] == region]
    prices = [price for price, _, _ in scoped]
    winners = [price for price, winner, _ in scoped if winner]
    national = quantile([price for price, _, _ in kept], 0.5)
    return {"removed": len(rows) - len(kept), "prices": prices, "winners": winners, "national": national}


def test_percentiles_match_an_independent_computation(history):
    analysis = analyze(product="guantes nitrilo")
    expected = independent_figures(TODAY - timedelta(days=round(24 * 30.44)))

    assert analysis.matched_products == [GLOVES_PRODUCT.lower()]
    assert analysis.outliers_removed == expected["removed"] == 1
    for q, value in zip(
        (0.25, 0.40, 0.50, 0.60, 0.75),
        (
            analysis.all_quotes.p25,
            analysis.all_quotes.p40,
            analysis.all_quotes.p50,
            analysis.all_quotes.p60,
            analysis.all_quotes.p75,
        ),
        strict=True,
    ):
        assert value == pytest.approx(quantile(expected["prices"], q), rel=1e-9)
    assert analysis.winning_quotes.n == len(expected["winners"])
    assert analysis.suggested_price == pytest.approx(quantile(expected["winners"], 0.40), rel=1e-9)
    assert analysis.sample_size == len(expected["prices"])
    assert analysis.sample_size >= 100 and analysis.confidence == "alta"
    assert len(analysis.insights) >= 3
    assert any("percentil 40" in line for line in analysis.insights)


def test_region_narrowing_and_comparison_with_the_national_median(history):
    narrowed = analyze(product="guantes de nitrilo", region=16)
    expected = independent_figures(TODAY - timedelta(days=round(24 * 30.44)), region=16)
    assert narrowed.all_quotes.p50 == pytest.approx(quantile(expected["prices"], 0.5), rel=1e-9)
    assert narrowed.region_vs_national == pytest.approx(
        (quantile(expected["prices"], 0.5) / expected["national"] - 1) * 100, rel=1e-9
    )
    assert narrowed.region_vs_national > 5
    assert any("Región de Ñuble se paga un" in line and "más" in line for line in narrowed.insights)

    compared = analyze(product="guantes de nitrilo", region=16, narrow=False)
    assert compared.all_quotes.n > narrowed.all_quotes.n
    assert compared.region_vs_national == pytest.approx(narrowed.region_vs_national)


def test_window_and_trend(history):
    recent = analyze(product="guantes de nitrilo", months=6)
    assert recent.sample_size < analyze(product="guantes de nitrilo").sample_size
    assert [point.month for point in recent.monthly] == sorted(point.month for point in recent.monthly)
    assert recent.top_suppliers[0].name == "Proveedor 1 SpA"
    assert recent.top_suppliers[0].wins == recent.top_suppliers[0].quotes


def test_unknown_product_answers_empty():
    analysis = analyze(product="motor fuera de borda")
    assert (analysis.sample_size, analysis.suggested_price, analysis.insights) == (0, None, [])


def test_a_large_history_is_answered_from_its_sample_with_counts_scaled(history):
    with session_scope() as session:
        analysis = _analyze(session, PriceQuery(product="guantes nitrilo"), TODAY, full_history_limit=0)
    expected = independent_figures(TODAY - timedelta(days=round(24 * 30.44)), in_sample=True)

    assert analysis.sampled and len(expected["prices"]) >= 3
    assert analysis.all_quotes.p50 == pytest.approx(quantile(expected["prices"], 0.5), rel=1e-9)
    assert analysis.all_quotes.p25 == pytest.approx(quantile(expected["prices"], 0.25), rel=1e-9)
    assert analysis.sample_size == 20 * len(expected["prices"])
    assert sum(point.n for point in analysis.monthly) == analysis.sample_size
    assert not analyze(product="guantes nitrilo").sampled


SPELLINGS = [
    "Guantes de nitrilo talla M caja 100 unidades", "GUANTES NITRILO T/M CJ 100 UN", "guante nitrilo talla m",
    "Guantes de nitrilo talla M marca Proquímica o su equivalente", "GUANTE DE NITRILO CAJA X 100 PARA CESFAM 12",
    "Guantes nitrlo talla M", "Guantes de nitrilo talla M según bases", "guantes de nitrilo m cja 100 u",
]  # fmt: skip
OTHER_GLOVES = "Guante de cuero para soldador o su equivalente"
"""Another product; «equivalente» holds «lente» (a query for «lente» must not find it)."""


def test_every_spelling_of_the_product_counts_and_no_other_product(tmp_path):
    lines = []
    for number in range(40):
        closing = (TODAY - timedelta(days=5 * number + 3)).isoformat()
        for position, spelling in enumerate([SPELLINGS[number % len(SPELLINGS)], OTHER_GLOVES]):
            lines.append(
                row(
                    CodigoCotizacion=f"700-{number}-COT26", FechaCierreParaCotizar=closing, ProductoCotizado=spelling,
                    CantidadSolicitada="1", MontoTotal=str(6500 + 100 * position + number),
                    RUTProveedor=rut(76_200_000 + position), RazonSocialProveedor=f"Proveedor {position} SpA",
                )
            )  # fmt: skip
    cot_history(tmp_path, "spellings.csv", lines)

    analysis = analyze(product="guantes nitrilo", narrow=False)

    assert analysis.matched_names == len(SPELLINGS)
    assert analysis.all_quotes.n + analysis.outliers_removed == 40, "each gloves line, no welder's glove"
    assert len(analysis.matched_products) == 5 and set(analysis.matched_products) <= {
        product_name(spelling) for spelling in SPELLINGS
    }
    welder = analyze(product="guante cuero", narrow=False)
    assert welder.matched_names == 1 and welder.all_quotes.n == 40
    assert analyze(product="lente", narrow=False).matched_names == 0


def quoted_three_times(folder, names: list[str]) -> None:
    """Import three quotes of each of `names` (a cotización each, closing on the last days, by one of
    three suppliers)."""
    lines = [
        row(
            CodigoCotizacion=f"710-{number}-COT26", FechaCierreParaCotizar=(TODAY - timedelta(days=number + 3)).isoformat(),
            ProductoCotizado=name, CantidadSolicitada="1", MontoTotal=str(3000 + 10 * number),
            RUTProveedor=rut(76_300_000 + number % 3), RazonSocialProveedor=f"Almacén {number % 3} SpA",
        )
        for number, name in enumerate(names * 3)
    ]  # fmt: skip
    cot_history(folder, "quoted.csv", lines)


NAMED_ALIKE = {
    "té": ["Té en bolsitas caja 100", "TE EN BOLSITAS CJ 100 UN", "Tés surtidos en bolsitas"],
    "pan": ["Pan de molde blanco 1 kg", "PAN AMASADO KG", "Panes de molde integral"],
    "gas": ["Gas licuado 15 kg", "GAS LICUADO CILINDRO 45 KG"],
    "gasa": ["Gasa estéril 10 x 10 cm", "GASAS ESTERILES 10X10", "Gassa esteril 10 x 10"],
    "plasticina": ["Plasticina 12 colores", "PLASTICINAS 12 COLORES", "Plastisina 12 colores"],
    "papel 100": ["Papel lustre 100 hojas", "PAPEL LUSTRE 100"],
    "others": [
        "Tela adhesiva 2,5 cm x 5 m", "Teclado USB español", "Pantalón de trabajo talla 42", "Tetera eléctrica",
        "Escobillón plástico", "Papel lustre 1000 hojas",
    ],
}  # fmt: skip
"""Products whose words are alike: short words, words one letter apart, words sharing a beginning,
numbers."""


def test_a_product_is_not_taken_for_another_whose_words_are_alike(tmp_path):
    quoted_three_times(tmp_path, [name for group in NAMED_ALIKE.values() for name in group])

    for query, product in (
        ("té en", "té"),  # a query has three letters at least
        ("tés", "té"),
        ("te en bolsitas", "té"),
        ("pan", "pan"),
        ("panes", "pan"),
        ("gas", "gas"),
        ("gasa", "gasa"),
        ("gasas", "gasa"),
        ("plasticina", "plasticina"),
        ("papel 100", "papel 100"),
    ):
        analysis = analyze(product=query, narrow=False)
        assert analysis.matched_names == len(NAMED_ALIKE[product]), query
        assert set(analysis.matched_products) <= {product_name(name) for name in NAMED_ALIKE[product]}, query
        assert analysis.all_quotes.n + analysis.outliers_removed == 3 * len(NAMED_ALIKE[product]), query


def test_the_products_compared_are_named_by_their_most_written_spelling_first(tmp_path):
    quoted_three_times(
        tmp_path,
        ["Resma papel carta 500 hojas", "RESMA PAPEL CARTA 500 H", "resma papel carta", "resma papel crta"],
    )

    analysis = analyze(product="resma papel", narrow=False)

    assert analysis.matched_names == 4
    assert analysis.matched_products == ["resma papel carta", "resma papel crta"], (
        "three names share the first key"
    )
