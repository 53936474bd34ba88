"""The generated data carries the shapes of real records, and its own objects say where they are."""

import codecs
import csv
import io
import math
import random
import re
import statistics
import zipfile
from collections import Counter, defaultdict
from datetime import UTC, date, datetime

import pytest

from compraagil.ingest.synthetic import make_factory
from compraagil.ingest.synthetic.api_writer import closed_details, open_details
from compraagil.ingest.synthetic.cot_writer import write_csv, write_month_zip
from compraagil.ingest.synthetic.spellings import spell
from compraagil.ingest.values import fold, product_name

ROWS = 20_000
NOW = datetime(2026, 9, 23, 15, 0, tzinfo=UTC)
RUT = re.compile(r"^\d{1,2}\.\d{3}\.\d{3}-[\dK]$")
LOCAL = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d$")
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$")


def written(processes, **options) -> bytes:
    out = io.BytesIO()
    write_csv(processes, out, **options)
    return out.getvalue()


def parsed(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


@pytest.fixture(scope="module")
def processes():
    return list(make_factory(11, ROWS, date(2025, 1, 1)).history(ROWS, 6))


@pytest.fixture(scope="module")
def rows(processes) -> list[dict[str, str]]:
    return parsed(written(processes).decode("cp1252"))


def test_the_file_holds_every_quote_line_and_every_repeat(processes, rows):
    assert len(rows) == sum(process.row_count for process in processes) >= ROWS
    assert len(rows[0]) == 34


def test_identical_rows_are_the_lines_the_generator_repeats_and_identical_in_every_column(processes, rows):
    copies = Counter(tuple(row.values()) for row in rows)
    repeats = sum(len(quote.repeated) for process in processes for quote in process.quotes)
    assert sum(count - 1 for count in copies.values()) == repeats
    assert max(copies.values()) == 2
    assert 0.025 < repeats / len(rows) < 0.035
    versions = defaultdict(set)
    for row in rows:
        identity = ("CodigoCotizacion", "RUTProveedor", "MontoTotal", "CodigoProducto", "DetalleCotizacion")
        versions[tuple(row[name] for name in identity)].add(tuple(row.values()))
    assert {len(found) for found in versions.values()} == {1}


def test_every_line_of_a_quote_carries_the_quotes_total(processes, rows):
    found = defaultdict(set)
    for row in rows:
        quote = (row["CodigoCotizacion"], row["RUTProveedor"], row["MontoTotal"])
        found[quote].add((row["CodigoProducto"], row["DetalleCotizacion"]))
    expected = {}
    for process in processes:
        for quote in process.quotes:
            amounts = zip(quote.unit_prices, process.lines, strict=True)
            assert quote.total == sum(price * line.quantity for price, line in amounts)
            lines = {(line.product.code, process.offer(line)) for line in process.lines}
            expected[process.codigo, quote.supplier.rut, str(quote.total)] = lines
    assert found == expected


def test_a_supplier_quoting_twice_in_a_process_sends_two_different_totals(processes, rows):
    totals = defaultdict(set)
    for row in rows:
        totals[row["CodigoCotizacion"], row["RUTProveedor"]].add(row["MontoTotal"])
    quotes = Counter(
        (process.codigo, quote.supplier.rut) for process in processes for quote in process.quotes
    )
    assert {supplier: len(found) for supplier, found in totals.items()} == dict(quotes)
    twice = {codigo for (codigo, _), count in quotes.items() if count == 2}
    assert max(quotes.values()) == 2
    assert 0.01 < len(twice) / len(processes) < 0.035


def test_some_processes_ask_for_one_product_in_lines_told_apart_only_by_their_description(processes, rows):
    details = defaultdict(set)
    for row in rows:
        line = ("CodigoCotizacion", "RUTProveedor", "MontoTotal", "CodigoProducto", "NombreProductoGenerico")
        details[(*(row[name] for name in line), row["ProductoCotizado"])].add(row["DetalleCotizacion"])
    repeating = {key[0] for key, found in details.items() if len(found) > 1}
    expected = {p.codigo for p in processes if len({line.product.code for line in p.lines}) < len(p.lines)}
    assert repeating == expected
    assert 0.035 < len(repeating) / len(processes) < 0.07


@pytest.mark.parametrize("encoding, bom", [("utf-8", b""), ("utf-8-sig", codecs.BOM_UTF8)])
def test_a_utf8_file_holds_the_same_records_as_the_published_cp1252_one(processes, rows, encoding, bom):
    data = written(processes, encoding=encoding)
    assert data[:3] == bom or not bom and data[:3] != codecs.BOM_UTF8
    assert data.count(codecs.BOM_UTF8) == len(bom) // 3
    assert "Ñ".encode() in data
    assert parsed(data.decode(encoding)) == rows


def test_the_row_limit_counts_repeats_and_a_months_zip_splits_it_between_cotizaciones(
    processes, rows, tmp_path
):
    assert len(parsed(written(processes, rows=5000).decode("cp1252"))) == 5000
    path = tmp_path / "COT_2025-03.zip"
    assert write_month_zip(processes, path, rows=5000, encoding="utf-8-sig") == 5000
    with zipfile.ZipFile(path) as archive:
        first, second = (parsed(archive.read(f"COT{n}_2025-03.csv").decode("utf-8-sig")) for n in (1, 2))
    assert first + second == rows[:5000]
    assert first[-1]["CodigoCotizacion"] != second[0]["CodigoCotizacion"]


def test_the_same_seed_writes_the_same_bytes():
    def generated() -> bytes:
        return written(make_factory(3, 2000, date(2025, 1, 1)).history(2000, 3), rows=2000)

    assert generated() == generated()


def test_prices_stay_around_the_base_price_and_winners_are_admissible_and_mostly_the_cheapest(processes):
    ratios = [
        math.log(price / line.product.base_price)
        for process in processes
        for quote in process.quotes
        for price, line in zip(quote.unit_prices, process.lines, strict=True)
    ]
    assert abs(statistics.mean(ratios)) < 0.15
    assert 0.1 < statistics.stdev(ratios) < 0.3
    awarded = [process for process in processes if process.winner is not None]
    cheapest = 0
    for process in awarded:
        admissible = [quote for quote in process.quotes if quote.inadmissible is None]
        assert process.quotes[process.winner] in admissible
        cheapest += process.quotes[process.winner].total == min(quote.total for quote in admissible)
    assert cheapest / len(awarded) > 0.5


@pytest.fixture(scope="module")
def closed() -> list[dict]:
    return closed_details(make_factory(4, 20_000, date(2025, 1, 1)), 600, NOW)


def quotes_of(records):
    return [quote for record in records for quote in record["proveedores_cotizando"]]


def test_closed_records_list_their_quotes_in_the_real_shape(closed):
    quotes = quotes_of(closed)
    assert len({quote["id_cotizacion"] for quote in quotes}) == len(quotes)
    assert all(RUT.match(quote["rut_proveedor"]) for quote in quotes)
    assert {quote["es_emt"] for quote in quotes} == {0, 1}
    assert {quote["proveedor_seleccionado"] for quote in quotes} == {0, 1}
    for record in closed:
        assert sum(quote["proveedor_seleccionado"] for quote in record["proveedores_cotizando"]) <= 1
        assert record["estado"]["id_estado"] in (3, 5, 6)
    for quote in quotes_of(r for r in closed if r["presupuesto"]["moneda"] == "CLP"):
        assert quote["total_impuesto"] == round(quote["valor_neto"] * 0.19)
        assert quote["monto_total"] == quote["valor_neto"] + quote["total_impuesto"]
        assert quote["valor_neto"] == sum(p["monto_total_producto"] for p in quote["productos_cotizados"])
        for product in quote["productos_cotizados"]:
            assert product["monto_total_producto"] == product["precio_unitario"] * product["cantidad"]


def test_a_supplier_can_quote_twice_in_one_closed_record(closed):
    twice = [
        record
        for record in closed
        if len({q["id_cotizacion"] for q in record["proveedores_cotizando"]})
        > len({q["rut_proveedor"] for q in record["proveedores_cotizando"]})
    ]
    assert twice
    for record in twice:
        totals = defaultdict(set)
        for quote in record["proveedores_cotizando"]:
            totals[quote["rut_proveedor"]].add(quote["valor_neto"])
        assert max(len(found) for found in totals.values()) == 2


def test_a_quote_can_list_one_product_several_times_with_other_descriptions_quantities_and_prices(closed):
    repeating = 0
    for quote in quotes_of(closed):
        lines = defaultdict(list)
        for product in quote["productos_cotizados"]:
            lines[product["codigo_producto"], product["nombre_producto"]].append(product)
        for same in (found for found in lines.values() if len(found) > 1):
            repeating += 1
            assert len({product["descripcion"] for product in same}) == len(same)
    assert repeating


def test_some_quotes_are_inadmissible_with_the_reason_in_spanish(closed):
    quotes = quotes_of(closed)
    inadmissible = [quote for quote in quotes if quote["estado"] == "Inadmisible"]
    assert 0 < len(inadmissible) < len(quotes) * 0.1
    assert all(quote["justificacion_inadmisibilidad"] for quote in inadmissible)
    assert "No adjunta ficha técnica solicitada" in {q["justificacion_inadmisibilidad"] for q in inadmissible}
    assert all(q["justificacion_inadmisibilidad"] is None for q in quotes if q["estado"] != "Inadmisible")
    assert all(q["proveedor_seleccionado"] == 0 for q in inadmissible)


def test_a_few_records_are_budgeted_and_quoted_in_us_dollars(closed):
    dollars = [record for record in closed if record["presupuesto"]["moneda"] == "USD"]
    assert 0 < len(dollars) < len(closed) * 0.1
    for record in dollars:
        budget = record["presupuesto"]
        rate = budget["valor_cambio_moneda"]
        assert 800 < rate < 1100
        assert budget["monto_disponible"] == pytest.approx(budget["monto_disponible_clp"] / rate, abs=0.01)
    prices = [p["precio_unitario"] for q in quotes_of(dollars) for p in q["productos_cotizados"]]
    assert prices and max(prices) < 1000 and any(price != int(price) for price in prices)


def test_a_few_records_count_quotes_they_do_not_list(closed):
    unlisted = [
        r for r in closed if r["resumen"]["total_ofertas_recibidas"] > 0 and not r["proveedores_cotizando"]
    ]
    assert 0 < len(unlisted) < len(closed) * 0.1
    listed = [record for record in closed if record["proveedores_cotizando"]]
    assert all(r["resumen"]["total_ofertas_recibidas"] == len(r["proveedores_cotizando"]) for r in listed)


def test_records_mix_local_and_iso_dates(closed):
    factory = make_factory(4, 2000, date(2026, 1, 1))
    for record in closed + open_details(factory, 50, NOW):
        dates = record["fechas"]
        assert LOCAL.match(dates["fecha_publicacion"]) and LOCAL.match(dates["fecha_cierre"])
        assert ISO_UTC.match(dates["fecha_ultimo_cambio"])
        assert dates["fecha_ultimo_cambio"] <= NOW.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_open_records_are_published_and_list_no_quotes():
    records = open_details(make_factory(4, 2000, date(2026, 1, 1)), 50, NOW)
    assert {record["estado"]["codigo"] for record in records} == {"publicada"}
    assert all(record["proveedores_cotizando"] == [] for record in records)


def test_buyers_spell_each_product_their_own_way_and_the_generator_knows_which_product_it_is():
    factory = make_factory(11, ROWS, date(2025, 1, 1))
    lines = [line for process in factory.history(ROWS, 6) for line in process.lines]
    spellings = {product_name(line.text) for line in lines}
    assert len(spellings) / len(lines) > 0.3, "a new spelling on a large share of the lines"
    assert len(spellings) > 20 * len({line.product.name for line in lines})
    assert all(factory.world.spelled[product_name(line.text)] == line.product.name for line in lines)
    assert any(line.text.isupper() for line in lines) and any(
        " o su equivalente" in line.text for line in lines
    )


def test_a_spelling_keeps_the_products_words_but_for_units_and_at_most_one_typo():
    rng = random.Random(5)
    for _ in range(500):
        spelled = fold(spell("Guantes de nitrilo talla M caja 100 unidades", rng)).split()
        assert "nitrilo" in spelled or sum(_one_edit(word, "nitrilo") for word in spelled) == 1
        assert any(
            word.startswith("guante") or _one_edit(word, "guantes") or _one_edit(word, "guante")
            for word in spelled
        )


def _one_edit(word: str, target: str) -> bool:
    """`word` is `target` with one letter dropped, doubled or two neighbours swapped."""
    if len(word) == len(target) - 1:
        return any(target[:i] + target[i + 1 :] == word for i in range(len(target)))
    if len(word) == len(target) + 1:
        return any(word[:i] + word[i + 1 :] == target for i in range(len(word)))
    swaps = [target[:i] + target[i + 1] + target[i] + target[i + 2 :] for i in range(len(target) - 1)]
    return len(word) == len(target) and word in swaps
