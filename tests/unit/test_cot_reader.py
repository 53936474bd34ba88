from compraagil.ingest.cot_reader import open_cot, record_texts
from tests.cot_files import header, row, write_csv


def test_records_carry_the_line_they_start_on_and_texts_are_read_back_exactly(tmp_path):
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

    with open_cot(path) as files:
        starts = [(record.line_number, record.last_line, len(record.fields)) for record in files[0].records]

    assert starts == [(2, 2, 33), (4, 5, 33), (6, 6, 3), (7, 7, 33), (8, 8, 3)]
    texts = record_texts(path, {"COT.csv": {4: None, 6: 6, 7: None, 8: 8}})
    assert {line: text.rstrip("\r\n") for (_, line), text in texts.items()} == {
        4: spanning,
        6: lines[4],
        7: lines[5],
        8: stray_quote,
    }
