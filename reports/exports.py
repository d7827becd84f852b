"""Tables to files: CSV (UTF-8 with BOM, so Excel opens Chinese correctly) and XLSX (openpyxl).

A `Sheet` is what the page shows: a title, column headings and rows of plain values (str, int,
Decimal, date, None). Text is always written as text, never as a formula, whatever it starts with
(CSV/formula injection): in XLSX by its cell type, in CSV with a leading apostrophe.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence] = field(default_factory=list)
    widths: Sequence[int] = ()
    footer: Sequence | None = None  # the total row, written bold after the rows


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_START) else text


def to_csv(sheet: Sheet) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(h) for h in sheet.headers])
    for row in sheet.rows:
        writer.writerow([_csv_value(v) for v in row])
    if sheet.footer is not None:
        writer.writerow([_csv_value(v) for v in sheet.footer])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """One worksheet per Sheet, headings bold and frozen. Decimals are written as numbers (no float)."""
    from openpyxl import Workbook  # only exports need it

    workbook = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(workbook, sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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
            cell = WriteOnlyCell(ws, value=_xlsx_value(value))
            if isinstance(value, str):
                cell.data_type = "s"
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


def _xlsx_value(value):
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        from gov_services.deadlines import SHANGHAI

        return value.astimezone(SHANGHAI).replace(tzinfo=None)  # Excel has no time zones
    return value  # openpyxl writes Decimal as a number, exactly as printed


def _sheet_title(title: str) -> str:
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in title)
    return cleaned[:31] or "Sheet"
