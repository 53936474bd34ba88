from compraagil.ingest.cot.blocks import BLOCK_ROWS, read_blocks
from compraagil.ingest.cot.reader import locate_records, open_cot
from tests.cot_files import header, row, write_csv


def numbered(path):
    """(record, CodigoCotizacion) of the well-formed records, and (record, columns) of the others."""
    well_formed, malformed = [], []
    with open_cot(path) as files:
        position = str(files[0].header.index("CodigoCotizacion"))
        for block in read_blocks(files[0]):
            well_formed += zip(block.records.tolist(), block.table.column(position).to_pylist(), strict=True)
            malformed += [(m.record, m.columns) for m in block.malformed]
    return well_formed, malformed


def test_records_are_numbered_in_file_order_and_located_with_their_exact_text(tmp_path):
    spanning = row(33, DescripcionCotizacion='Dice "hola"\nen dos líneas', CodigoCotizacion="2-COT26")
    stray_quote = '"solo";tres"x;"columnas"'
    lines = [
        header(33),
        row(33),
        "",
        spanning,
        '"solo";"tres";"columnas"',
        row(33, CodigoCotizacion="3-COT26"),
        stray_quote,
    ]
    path = write_csv(tmp_path / "COT.csv", lines)

    well_formed, malformed = numbered(path)

    assert well_formed == [(1, "2345-10-COT26"), (2, ""), (3, "2-COT26"), (5, "3-COT26")]
    assert malformed == [(4, 3), (6, 3)]
    assert locate_records(path, {"COT.csv": {3, 4, 5, 6}}) == {
        ("COT.csv", 3): (4, spanning),
        ("COT.csv", 4): (6, lines[4]),
        ("COT.csv", 5): (7, lines[5]),
        ("COT.csv", 6): (8, stray_quote),
    }


def test_numbers_stay_right_across_blocks(tmp_path):
    count = BLOCK_ROWS * 3 + 1_234
    lines = [header(34)]
    for number in range(1, count + 1):
        lines.append('"corta";"fila"' if number % 9_000 == 0 else row(34, CodigoCotizacion=f"{number}-COT26"))
    path = write_csv(tmp_path / "COT.csv", lines)

    well_formed, malformed = numbered(path)

    assert [record for record, _ in malformed] == list(range(9_000, count + 1, 9_000))
    assert all(codigo == f"{record}-COT26" for record, codigo in well_formed)
    assert len(well_formed) + len(malformed) == count


def test_a_file_ending_its_lines_with_a_bare_cr_is_read_alike(tmp_path):
    path = tmp_path / "COT.csv"
    lines = [header(30), row(30), '"corta"', row(30, CodigoCotizacion="2-COT26")]
    path.write_bytes("\r".join(lines).encode("cp1252") + b"\r")

    well_formed, malformed = numbered(path)

    assert well_formed == [(1, "2345-10-COT26"), (3, "2-COT26")]
    assert malformed == [(2, 1)]
    assert locate_records(path, {"COT.csv": {2}}) == {("COT.csv", 2): (3, '"corta"')}
