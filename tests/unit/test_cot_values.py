from datetime import date

import pyarrow as pa
import pytest

from compraagil.ingest import values
from compraagil.ingest.cot import column_values
from compraagil.ingest.cot.columns import HEADER_30, HEADER_33, HEADER_34, MissingColumns, map_header
from compraagil.ingest.values import BadValue


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234", "1234"),
        ("12990,5", "12990.5"),
        ("1.234.567,89", "1234567.89"),
        (" 7 ", "7"),
        ("-3,5", "-3.5"),
    ],
)
def test_number_reads_comma_decimals(text, expected):
    assert values.number(text, "MontoTotal") == expected


@pytest.mark.parametrize("text", ["NA", "", "  "])
def test_number_missing(text):
    assert values.number(text, "MontoTotal") is None


@pytest.mark.parametrize("text", ["12,3,4", "abc", "1e5", "$100"])
def test_number_rejects_garbage_naming_the_column(text):
    with pytest.raises(BadValue, match="MontoTotal no es un número"):
        values.number(text, "MontoTotal")


@pytest.mark.parametrize(
    "text", ["2026-03-05", "05-03-2026", "05/03/2026", "2026-03-05 00:00:00", "5/3/2026"]
)
def test_three_date_forms(text):
    assert values.day(text, "FechaCierreParaCotizar") == date(2026, 3, 5)


def test_date_placeholders_and_errors():
    assert values.day("1900-01-01", "F") is None
    assert values.day("NA", "F") is None
    with pytest.raises(BadValue, match="F: «2026-02-30» no es una fecha válida"):
        values.day("2026-02-30", "F")
    with pytest.raises(BadValue, match="no es una fecha"):
        values.day("ayer", "F")


def test_flags_states_sizes_regions_ruts():
    assert (
        values.flag("si", "P") is True and values.flag("No", "P") is False and values.flag("NA", "P") is False
    )
    with pytest.raises(BadValue, match="«si» o «no»"):
        values.flag("quizás", "P")
    assert values.state("Proveedor seleccionado") == "proveedor_seleccionado"
    assert values.state("OC Emitida") == "oc_emitida"
    assert values.size("NA") is None and values.size("MiPyme") == "MiPyme"
    assert values.region("Región de Tarapacá  ") == 1
    assert values.region("13") == 13
    assert values.rut("78.167.575-K") == "78167575-K"
    with pytest.raises(BadValue, match="RUT inválido"):
        values.rut("77.814.808-2")


def test_product_names_fold_case_and_spacing():
    assert values.product_name("  Batería   RECARGABLE AA. ") == "batería recargable aa"


@pytest.mark.parametrize("variant", [HEADER_30, HEADER_33, HEADER_34])
def test_every_header_variant_maps_by_name(variant):
    header = map_header(list(variant))
    assert header.width == len(variant)
    assert header.index("MontoTotal") == variant.index("MontoTotal")
    assert header.unknown == ()


def test_header_is_case_insensitive_and_lists_unknown_columns():
    header = map_header([name.upper() for name in HEADER_34] + ["ColumnaNueva"])
    assert header.index("RUTProveedor") == HEADER_34.index("RUTProveedor")
    assert header.unknown == ("ColumnaNueva",)


def test_missing_required_columns_are_named():
    with pytest.raises(MissingColumns, match="RUTProveedor"):
        map_header([name for name in HEADER_34 if name != "RUTProveedor"])


NUMBER_TEXTS = [
    "1234",
    "12990,5",
    "1.234.567,89",
    " 7 ",
    "-3,5",
    "NA",
    "",
    "  ",
    "12,3,4",
    "abc",
    "1e5",
    "$100",
    "1.5",
]


def test_numbers_read_by_column_follow_the_rule_for_one_value():
    numbers, valid = column_values.number(pa.array(NUMBER_TEXTS))

    for text, number, ok in zip(NUMBER_TEXTS, numbers.to_pylist(), valid.to_pylist(), strict=True):
        try:
            assert (ok, number) == (True, values.number(text, "MontoTotal")), text
        except BadValue:
            assert not ok, text


def test_texts_read_by_column_follow_the_rule_for_one_value():
    texts = ["  Hospital  ", "NA", "", "1900-01-01", "n/a", "Ñuble\t"]
    assert column_values.text_or_none(pa.array(texts)).to_pylist() == [values.text_or_none(t) for t in texts]
