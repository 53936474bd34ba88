from compraagil.ingest.cot_reader import open_cot, record_texts
from tests.cot_files import header, row, write_csv


def test_records_carry_the_line_they_start_on_and_texts_are_read_back_exactly(tmp_path):
    spanning = row(33, DescripcionCotizacion='Dice "hola"\nen dos líneas', CodigoCotizacion="2-COT26")
    lines = [
        header(33),
        row(33),
        "",
        spanning,
        '"solo";"tres";"columnas"',
        row(33, CodigoCotizacion="3-COT26"),
    ]
    path = write_csv(tmp_path / "COT.csv", lines)

    with open_cot(path) as files:
        starts = [(record.line_number, len(record.fields)) for record in files[0].records]

    assert starts == [(2, 33), (4, 33), (6, 3), (7, 33)]
    texts = record_texts(path, {"COT.csv": {4, 6, 7}})
    assert {line: text.rstrip("\r\n") for (_, line), text in texts.items()} == {
        4: spanning,
        6: lines[4],
        7: lines[5],
    }
