import pytest

from compraagil.chile.rut import InvalidRut, Rut, check_digit, format_rut, is_valid_rut, parse_rut


@pytest.mark.parametrize(
    ("body", "dv"),
    [(12345678, "5"), (76086428, "5"), (11111111, "1"), (6, "K"), (10000013, "K"), (19, "1")],
)
def test_check_digit_modulo_11(body, dv):
    assert check_digit(body) == dv


@pytest.mark.parametrize("text", ["12.345.678-5", "12345678-5", "123456785", " 12.345.678-5 ", "6-k", "6-K"])
def test_parse_accepts_common_spellings(text):
    rut = parse_rut(text)
    assert is_valid_rut(text)
    assert rut.dv in "0123456789K"


def test_parse_and_format_round_trip():
    rut = parse_rut("76086428-5")
    assert rut == Rut(76086428, "5")
    assert format_rut(rut) == "76.086.428-5"
    assert rut.compact == "76086428-5"
    assert parse_rut(str(rut)) == rut


@pytest.mark.parametrize("text", ["12.345.678-4", "", "abc", "0-0", "12.345.678-", "1234567890-1", "12-345"])
def test_parse_rejects_wrong_digits_and_garbage(text):
    with pytest.raises(InvalidRut):
        parse_rut(text)
    assert not is_valid_rut(text)
