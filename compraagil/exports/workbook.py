"""Write .xlsx workbooks from plain rows: a bold, frozen header with an autofilter, sensible widths and
es-CL number and date formats.

Excel format codes are locale-neutral: `,` stands for «the viewer's thousands separator» and `.` for
its decimal mark, so `"$"#,##0` shows 1234567 as $1.234.567 in a Spanish (Chile) Excel. The cells
hold real numbers and dates, so they sort, filter and add up.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from compraagil.chile.dates import SANTIAGO


class Format(StrEnum):
    """How a column's cells are shown (the value is an Excel number format code)."""

    TEXT = "@"
    CLP = '"$"#,##0'
    INTEGER = "#,##0"
    PERCENT = "0.0%"
    DATE = "dd-mm-yyyy"
    DATETIME = "dd-mm-yyyy hh:mm"


@dataclass(frozen=True)
class Column:
    header: str
    format: Format = Format.TEXT
    width: int | None = None
    """Characters; None: fitted to the header and the values (between MIN_WIDTH and MAX_WIDTH)."""


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[object]]
    """Plain values in column order: str, int, float, Decimal, date, aware datetime or None.
    A PERCENT column takes percentages (12.5 for 12,5 %)."""


MIN_WIDTH, MAX_WIDTH = 8, 60
SHEET_TITLE_MAX = 31
"""Excel refuses longer sheet names."""


def cell_value(value: object, column_format: Format) -> object:
    """What openpyxl stores for `value` in a column of that format (Excel has no time zones)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        value = float(value)
    if column_format is Format.PERCENT and isinstance(value, int | float):
        return value / 100
    if isinstance(value, datetime):
        local = value.astimezone(SANTIAGO) if value.tzinfo else value
        return local.replace(tzinfo=None) if column_format is Format.DATETIME else local.date()
    return value


def _shown_length(value: object, column_format: Format) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return 16 if column_format is Format.DATETIME else 10
    if isinstance(value, int | float | Decimal):
        return len(f"{value:,.0f}") + (2 if column_format is Format.CLP else 0)
    return max((len(line) for line in str(value).splitlines()), default=0)


def fitted_width(column: Column, values: Iterable[object]) -> int:
    """The column's width in characters: its own, or the widest of header and values, within limits."""
    if column.width is not None:
        return column.width
    widest = max((_shown_length(value, column.format) for value in values), default=0)
    return max(MIN_WIDTH, min(MAX_WIDTH, max(widest, len(column.header)) + 2))


def _add_sheet(book: Workbook, sheet: Sheet) -> None:
    page = book.create_sheet(sheet.title[:SHEET_TITLE_MAX])
    page.append([column.header for column in sheet.columns])
    for cell in page[1]:
        cell.font = Font(bold=True)
    for row in sheet.rows:
        page.append(
            [cell_value(value, column.format) for value, column in zip(row, sheet.columns, strict=True)]
        )
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        page.column_dimensions[letter].width = fitted_width(column, (row[index - 1] for row in sheet.rows))
        if column.format is not Format.TEXT:
            for (cell,) in page.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = column.format.value
    page.freeze_panes = "A2"
    page.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{max(1, len(sheet.rows) + 1)}"


def write_workbook(path: Path, sheets: Sequence[Sheet]) -> None:
    """Write `sheets`, in order, as an .xlsx file at `path`."""
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        _add_sheet(book, sheet)
    book.save(path)
