"""Tables to files: CSV (UTF-8 with BOM, so Excel opens Chinese correctly) and XLSX (openpyxl).

A `Sheet` is what a page shows: a title, column headings and rows of plain values (str, int,
Decimal, date, datetime, None). Text is never run as a formula, whatever it starts with (CSV/formula
injection): in XLSX by its cell type, in CSV by a leading apostrophe, which the reader drops again
(core/spreadsheets/reader.csv_cell_text), so an exported file imports back unchanged. Aware
datetimes are written in the project's time zone (Excel has none). Decimals are written as
numbers with as many places as they carry, never through float.

`write_sheets` writes sheets in a format by its name ("csv" or "xlsx"); `spreadsheet_response` hands
a spreadsheet out as a download (core.http.site_file_response: a Chinese file name goes as RFC 5987
`filename*`). Rows may be any iterable: XLSX is written row by row in openpyxl's write-only mode, so a
big export streams from a queryset's iterator without holding its rows.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.functional import Promise

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")  # "'": so that the reader's apostrophe rule is exact
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")  # -12.50 stays a number, not text


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence] = field(default_factory=list)
    widths: Sequence[int] = ()
    footer: Sequence | None = None  # the total row, written bold after the rows


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Promise):  # a lazy translation is text
        value = str(value)
    if isinstance(value, datetime.datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def write_csv(rows: Iterable[Sequence]) -> bytes:
    """Any rows (a statement's sections, blank lines) as CSV."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_text(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_csv(sheet: Sheet) -> bytes:
    def rows():
        yield [str(header) for header in sheet.headers]
        yield from sheet.rows
        if sheet.footer is not None:
            yield sheet.footer

    return write_csv(rows())


def to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """One worksheet per Sheet, headings bold and frozen; written row by row (write-only mode)."""
    from openpyxl import Workbook  # only exports need it

    workbook = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(workbook, sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_sheets(sheets: Sheet | Sequence[Sheet], fmt: str) -> bytes:
    """The sheets as an XLSX workbook (a worksheet each) or as CSV (the first sheet: CSV holds one)."""
    sheets = [sheets] if isinstance(sheets, Sheet) else list(sheets)
    if fmt == "xlsx":
        return to_xlsx(sheets)
    if fmt == "csv":
        return to_csv(sheets[0])
    raise ValueError(f"unknown spreadsheet format {fmt!r}")


def spreadsheet_response(content: bytes | Sheet | Sequence[Sheet], *, fmt: str, filename: str):
    """A spreadsheet the site made, as a download: `content` is the file (bytes, e.g. from write_csv)
    or the sheets to write in `fmt`. `filename` gets the format's extension when it lacks it."""
    from core.http import site_file_response  # core.http → core.uploads reads text with this package

    data = content if isinstance(content, bytes) else write_sheets(content, fmt)
    if not filename.lower().endswith(f".{fmt}"):
        filename = f"{filename}.{fmt}"
    return site_file_response(data, filename=filename, content_type=CONTENT_TYPES[fmt])


def _write_sheet(workbook, sheet: Sheet) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = workbook.create_sheet(_sheet_title(sheet.title))
    for index, width in enumerate(sheet.widths or [16] * len(sheet.headers), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)

    def cells(values, font=None):
        out = []
        for value in values:
            cell = WriteOnlyCell(ws, value=_local(value) if isinstance(value, datetime.datetime) else value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula
            elif isinstance(value, datetime.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, Decimal):
                places = max(0, -int(value.as_tuple().exponent))
                cell.number_format = "0." + "0" * places if places else "0"
            if font:
                cell.font = font
            out.append(cell)
        return out

    ws.append(cells([str(h) for h in sheet.headers], bold))
    for row in sheet.rows:
        ws.append(cells(row))
    if sheet.footer is not None:
        ws.append(cells(sheet.footer, bold))


def _sheet_title(title: str) -> str:
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in str(title))
    return cleaned[:31] or "Sheet"
