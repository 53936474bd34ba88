import zipfile

import pytest

from compraagil.chile.money import format_count
from compraagil.ingest.cot import reader
from compraagil.ingest.cot.blocks import read_blocks
from compraagil.ingest.cot.encoding import CP1252, UTF8, ToUtf8
from compraagil.ingest.cot.reader import UnreadableFile, locate_records, open_cot
from tests.cot_files import encoded, header, row, write_csv, write_zip

ACCENTED = {
    "NombreCotizacion": "SECCIÓN ÑUBLE: baterías y “pilas”",
    "DescripcionCotizacion": "Línea uno\nlínea dos: €, –, ™",
    "RazonSocialProveedor": "Comercial Ñandú SpA",
}
ASCII = {name: "sin acentos" for name in ("NombreCotizacion", "DescripcionCotizacion", "DetalleCotizacion")}
ASCII |= {
    "NombreOOPP": "Municipalidad",
    "RazonSocialUnidaddeCompra": "Municipalidad",
    "DireccionEntrega": "Calle 1",
    "Region": "Region del Maule",
    "ProductoCotizado": "Bateria AA",
    "NombreProductoGenerico": "Baterias",
    "NOMBRECONTACTO": "Sofia",
    "RazonSocialProveedor": "Comercial SpA",
}


def contents(path):
    """Every CSV of a source: its name and its records as lists of fields, as the reader gives them."""
    read = {}
    with open_cot(path) as files:
        for cot_file in files:
            for block in read_blocks(cot_file):
                columns = [column.to_pylist() for column in block.table.columns]
                read.setdefault(cot_file.name, []).extend(zip(*columns, strict=True))
    return read


def a_month(rows: int = 3) -> list[str]:
    lines = [header(34), row(34, **ACCENTED), '"registro";"roto"']
    lines += [row(34, CodigoCotizacion=f"{n}-COT26") for n in range(rows)]
    return lines


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8"], ids=["with BOM", "without BOM"])
def test_a_utf8_copy_reads_as_the_original(tmp_path, encoding):
    lines = a_month()
    (tmp_path / "original").mkdir()
    original = write_csv(tmp_path / "original" / "COT.csv", lines)
    copy = write_csv(tmp_path / "COT.csv", lines, encoding=encoding)

    assert contents(copy) == contents(original)
    assert contents(copy)["COT.csv"][0][6] == ACCENTED["NombreCotizacion"]
    assert locate_records(copy, {"COT.csv": {1, 2}}) == {
        ("COT.csv", 1): (2, lines[1]),
        ("COT.csv", 2): (4, lines[2]),
    }


def test_each_csv_of_a_zip_has_its_own_encoding(tmp_path):
    lines = a_month()
    path = tmp_path / "COT_2026-03.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("COT1_2026-03.csv", encoded(lines))
        archive.writestr("COT2_2026-03.csv", encoded(lines, "utf-8-sig"))

    read = contents(path)

    assert read["COT1_2026-03.csv"] == read["COT2_2026-03.csv"]
    assert locate_records(path, {"COT2_2026-03.csv": {1}}) == {("COT2_2026-03.csv", 1): (2, lines[1])}


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8"])
def test_text_after_a_long_ascii_start_is_read_right(tmp_path, monkeypatch, encoding):
    monkeypatch.setattr(reader, "SAMPLE_BYTES", 4096)
    lines = [header(34)] + [row(34, **ASCII) for _ in range(6_000)] + [row(34, **ACCENTED)]
    path = write_csv(tmp_path / "COT.csv", lines, encoding=encoding)
    assert path.stat().st_size > 2 * reader.READ_BYTES

    last = contents(path)["COT.csv"][-1]

    assert last[6] == ACCENTED["NombreCotizacion"]
    assert locate_records(path, {"COT.csv": {6_001}}) == {("COT.csv", 6_001): (6_002, lines[-1])}


def test_bytes_cp1252_leaves_undefined_read_as_latin1(tmp_path):
    path = tmp_path / "COT.csv"
    path.write_bytes(encoded([header(34), row(34, NombreCotizacion="Año X")]).replace(b"X", b"\x81\x8d\x9d"))

    assert contents(path)["COT.csv"][0][6] == "Año \x81\x8d\x9d"


def test_a_utf8_file_with_windows_1252_further_on_is_refused_naming_the_csv(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "SAMPLE_BYTES", 4096)
    utf8 = encoded([header(34)] + [row(34, **ACCENTED)] * 20, "utf-8")
    cp1252 = encoded([row(34, **ACCENTED)])
    path = tmp_path / "COT_2026-03.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("COT1_2026-03.csv", utf8 + cp1252)

    with pytest.raises(UnreadableFile) as raised, open_cot(path) as files:
        list(read_blocks(files[0]))

    first_bad = len(utf8) + next(n for n, byte in enumerate(cp1252) if byte > 127) + 1
    assert str(raised.value).startswith(
        f"COT1_2026-03.csv: mezcla UTF-8 y Windows-1252 (el byte {format_count(first_bad)} no es UTF-8 válido)"
    )
    assert str(raised.value).count("COT1_2026-03.csv") == 1


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (encoded([header(34), row(34)], "utf-16"), "está en UTF-16"),
        (bytes(range(256)) * 64, "no es un CSV de texto"),
        (b"\x01\x02\x03\x04" * 1000 + b"\n", "no es un CSV de texto"),
    ],
    ids=["UTF-16", "binary", "control characters"],
)
def test_what_is_not_text_is_refused(tmp_path, content, reason):
    path = tmp_path / "COT.csv"
    path.write_bytes(content)

    with pytest.raises(UnreadableFile, match=reason), open_cot(path):
        pass


def test_a_lone_csv_is_not_named_by_its_own_errors(tmp_path):
    """The importer names the source once; inside a zip, the CSV is named."""
    licitaciones = ["Codigo,Nombre,CodigoEstado,FechaCierre", "1234-5-LE26,Compra de sillas,5,2026-03-05"]
    lone = write_csv(tmp_path / "licitaciones.csv", licitaciones)
    zipped = write_zip(tmp_path / "COT.zip", {"licitaciones.csv": licitaciones})

    with pytest.raises(UnreadableFile) as lone_error, open_cot(lone):
        pass
    with pytest.raises(UnreadableFile) as zipped_error, open_cot(zipped):
        pass

    assert str(lone_error.value).startswith("faltan columnas obligatorias: CodigoCotizacion")
    assert str(zipped_error.value) == f"licitaciones.csv: {lone_error.value}"


def test_a_utf8_sequence_cut_between_chunks_passes_whole():
    data = "Ñandú".encode()
    to_utf8 = ToUtf8(b"ascii only")

    converted = to_utf8.convert(data[:1]) + to_utf8.convert(data[1:], final=True)

    assert (converted, to_utf8.encoding) == (data, UTF8)


def test_the_sample_decides_before_any_chunk():
    assert ToUtf8("Ñuble".encode("cp1252")).encoding == CP1252
    assert ToUtf8("Ñuble".encode()).encoding == UTF8
    assert ToUtf8(b"\xef\xbb\xbfascii").encoding == UTF8
    assert ToUtf8(b"ascii").encoding is None
