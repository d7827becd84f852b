"""Spreadsheet files for tests and benches: ordinary ones, and hostile ones built the way an attacker
(or a broken exporter) would — small on disk, huge once unpacked.

The hostile sheets are streamed straight into the zip (never held in memory whole), inside an
otherwise ordinary workbook package taken from openpyxl, so that every other part is genuine.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

SHEET_PART = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
SHEET_TAIL = b"</sheetData></worksheet>"


def xlsx_bytes(rows: Iterable[Sequence], header: Sequence | None = None) -> bytes:
    """An ordinary workbook as Excel or WPS would save it (openpyxl, shared strings)."""
    workbook = Workbook()
    sheet = workbook.active
    if header is not None:
        sheet.append(list(header))
    for cells in rows:
        sheet.append(list(cells))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Iterable[Sequence], header: Sequence | None = None, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_with_sheet(sheet_xml: Iterator[bytes], *, compresslevel: int = 9) -> bytes:
    """A genuine workbook package whose first sheet is `sheet_xml`, streamed into the zip."""
    template = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["x"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as package:
        for info in template.infolist():
            if info.filename != SHEET_PART:
                package.writestr(info.filename, template.read(info))
                continue
            with package.open(SHEET_PART, "w", force_zip64=True) as part:
                for chunk in sheet_xml:
                    part.write(chunk)
    return out.getvalue()


def dense_sheet(rows: int, columns: int, *, references: bool = False, tail: bytes = SHEET_TAIL) -> Iterator[bytes]:
    """`rows` rows of `columns` numeric cells. Without cell references every row is the same bytes, so
    the zip packs it several hundred times tighter: the shape of the 857 KB file that held a worker
    for 318 s. With references (A1, B1 …) it packs like an ordinary sheet."""
    yield SHEET_HEAD
    if references:
        letters = [get_column_letter(number) for number in range(1, columns + 1)]
        for line in range(1, rows + 1):
            yield (f'<row r="{line}">' + "".join(f'<c r="{letter}{line}"><v>{line}</v></c>' for letter in letters)
                   + "</row>").encode()
    else:
        row = ("<row>" + "<c><v>1</v></c>" * columns + "</row>").encode()
        batch = max(1, 2**20 // len(row))
        for start in range(0, rows, batch):
            yield row * min(batch, rows - start)
    yield tail


def zip_bomb_xlsx(rows: int = 5000, columns: int = 4000) -> bytes:
    """The 857 KB-style workbook: 5,000 rows × 4,000 cells, a sheet of about 300 MB that packs
    into well under 1 MB."""
    return xlsx_with_sheet(dense_sheet(rows, columns))
