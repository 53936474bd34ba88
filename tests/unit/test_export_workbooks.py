"""Excel workbooks from plain data: es-CL formats, a bold frozen header with a filter, fitted widths,
the sheets of each export, and a failed write that leaves no file."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from compraagil.exports import sheets
from compraagil.exports.files import write_atomically
from compraagil.exports.workbook import MAX_WIDTH, Column, Format, Sheet, cell_value, write_workbook
from compraagil.pipeline.service import Card
from compraagil.search.service import TenderHit


def test_cells_hold_numbers_and_santiago_dates():
    closes = datetime(2026, 3, 2, 18, 30, tzinfo=UTC)
    assert cell_value(closes, Format.DATETIME) == datetime(2026, 3, 2, 15, 30)
    assert cell_value(closes, Format.DATE) == date(2026, 3, 2)
    assert cell_value(Decimal("12.5"), Format.PERCENT) == pytest.approx(0.125)
    assert cell_value(Decimal("1234567"), Format.CLP) == 1234567.0
    assert cell_value(None, Format.CLP) is None


def test_a_sheet_has_a_bold_frozen_filtered_header_and_es_cl_formats(tmp_path):
    path = tmp_path / "libro.xlsx"
    sheet = Sheet(
        "Resultados",
        (Column("Nombre"), Column("Monto", Format.CLP), Column("Cierre", Format.DATE), Column("Tasa", Format.PERCENT)),
        [("Guantes de nitrilo " * 5, 1234567, date(2026, 3, 2), 40), ("Agua", None, None, None)],
    )  # fmt: skip
    write_workbook(path, [sheet])
    page = load_workbook(path)["Resultados"]
    assert [cell.value for cell in page[1]] == ["Nombre", "Monto", "Cierre", "Tasa"]
    assert all(cell.font.bold for cell in page[1])
    assert page.freeze_panes == "A2"
    assert page.auto_filter.ref == "A1:D3"
    assert page["B2"].value == 1234567 and page["B2"].number_format == '"$"#,##0'
    assert page["C2"].value == datetime(2026, 3, 2) and page["C2"].number_format == "dd-mm-yyyy"
    assert page["D2"].value == pytest.approx(0.4) and page["D2"].number_format == "0.0%"
    assert page.column_dimensions["A"].width == MAX_WIDTH
    assert 8 <= page.column_dimensions["B"].width <= 15


def test_search_and_pipeline_sheets_in_spanish():
    hit = TenderHit(
        codigo="1234-5-COT26",
        name="Guantes",
        name_segments=[],
        organismo="Hospital",
        buyer_id=1,
        region=13,
        state="publicada",
        published_at=datetime(2026, 3, 1, tzinfo=UTC),
        closes_at=None,
        amount_available=990000,
        score=0.0,
    )
    found = sheets.search_sheet([hit])
    assert found.title == "Resultados"
    assert "Metropolitana" in found.rows[0][3]
    assert found.rows[0][4] == "Publicada" and found.rows[0][7] == 990000
    card = Card(1, "1-1-COT26", "Agua", "Muni", None, "cotizada", False, "", 5000, "llamar", date(2026, 3, 9))
    saved = sheets.pipeline_sheet([card])
    assert [c.header for c in saved.columns][:5] == ["Código", "Nombre", "Organismo", "Cierre", "Estado"]
    assert saved.rows[0][4] == "Cotizada" and saved.rows[0][6] == 5000


def test_a_failed_write_leaves_no_file(tmp_path):
    target = tmp_path / "empresa" / "export.xlsx"

    def half_then_fail(path):
        path.write_bytes(b"PK half a workbook")
        raise OSError("disco lleno")

    with pytest.raises(OSError):
        write_atomically(target, half_then_fail)
    assert list(target.parent.iterdir()) == []


def test_a_failed_rewrite_keeps_the_previous_file(tmp_path):
    target = tmp_path / "export.xlsx"
    write_atomically(target, lambda path: path.write_bytes(b"first"))
    with pytest.raises(RuntimeError):
        write_atomically(target, lambda path: (_ for _ in ()).throw(RuntimeError("bug")))
    assert target.read_bytes() == b"first" and len(list(tmp_path.iterdir())) == 1
