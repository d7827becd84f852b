"""Reading an uploaded CSV or XLSX file into text rows, refused at the first cap it passes.

The caps are checked while the file streams: reading stops at the first row past the row cap,
the first cell past the column cap or the length cap, so the cost of a refusal is bounded by the
caps, not by the file. XLSX packages are checked before openpyxl opens them (core/spreadsheets/
xlsx.py). Every refusal is a SpreadsheetError whose text names the cap, in the reader's language.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

Progress = Callable[[int, int | None], None]  # (data rows read so far, rows expected or None)
Rows = Iterator[tuple[int, list[str]]]  # (line as the spreadsheet shows it, cell texts)

PROGRESS_EVERY = 200  # rows between two progress reports
# Excel keeps 15 significant digits: a whole number above this came through a float and has lost
# digits (an ID number typed as a number); it is shown as Excel shows it, so that a code column
# refuses it instead of storing wrong digits.
EXACT_FLOAT_LIMIT = 10**15


@dataclass(frozen=True)
class Caps:
    """How big a file may be. Rows count data rows (not the header, not blank rows)."""

    max_bytes: int = 10 * 2**20
    max_rows: int = 5000
    max_columns: int = 30
    max_cell_chars: int = 10_000
    max_unpacked_bytes: int = 64 * 2**20  # all parts of an XLSX together, as its zip declares them
    max_ratio: int = 100  # unpacked ÷ packed for any part over 1 MB; XML sheets pack 5–20 times

    @property
    def max_lines(self) -> int:
        """Lines, blank ones included: a file of empty lines is refused too."""
        return self.max_rows * 10 + 100

    @property
    def max_xml_elements(self) -> int:
        """XML elements in an XLSX package: a cell is two or three (c, v, is/t), plus styles and the rest."""
        return self.max_rows * self.max_columns * 3 + 100_000


class SpreadsheetError(Exception):
    """The file cannot be read, or passes a cap; str(error) is the message for the user."""


@dataclass
class Table:
    """The header row (line 1) and each non-blank data row with its line number."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]


def read_table(file, filename: str, *, caps: Caps = Caps(), progress: Progress | None = None) -> Table:
    """The header and rows of an uploaded CSV or XLSX file (a file object or bytes)."""
    data = _read_bounded(file, caps)
    name = (filename or "").lower()
    if name.endswith(".xlsx") or (data[:4] == b"PK\x03\x04" and not name.endswith(".csv")):
        from core.spreadsheets.xlsx import xlsx_rows

        expected, rows = xlsx_rows(data, caps)
    elif name.endswith((".csv", ".txt")) or "." not in name:
        expected, rows = csv_rows(data)
    else:
        raise SpreadsheetError(_("Upload a .csv or .xlsx file (a .xls file: save it as .xlsx first)."))
    return _collect(rows, caps, expected, progress)


def _read_bounded(file, caps: Caps) -> bytes:
    data = bytes(file) if isinstance(file, bytes | bytearray) else file.read(caps.max_bytes + 1)
    if len(data) > caps.max_bytes:
        raise SpreadsheetError(_("The file is larger than %(mb)s MB; split it into smaller files.")
                               % {"mb": megabytes(caps.max_bytes)})
    if not data.strip():
        raise SpreadsheetError(_("The file is empty."))
    return data


def megabytes(size: int) -> str:
    return f"{size / 2**20:g}"


def _collect(rows: Rows, caps: Caps, expected: int | None, progress: Progress | None) -> Table:
    headers: list[str] | None = None
    body: list[tuple[int, list[str]]] = []
    for line, raw in rows:
        if line > caps.max_lines:
            raise SpreadsheetError(too_many_rows(caps))
        cells = _trimmed(raw)
        _check_cells(line, cells, headers, caps)
        if headers is None:
            if line != 1 or not any(cell.strip() for cell in cells):
                raise SpreadsheetError(_("The first line must hold the column headers."))
            headers = [cell.strip().replace("\ufeff", "") for cell in cells]
            continue
        if not any(cell.strip() for cell in cells):
            continue  # blank rows are skipped; the line numbers stay the spreadsheet's
        if len(body) == caps.max_rows:
            raise SpreadsheetError(too_many_rows(caps))
        body.append((line, cells))
        if progress is not None and len(body) % PROGRESS_EVERY == 0:
            progress(len(body), expected)
    if headers is None:
        raise SpreadsheetError(_("The first line must hold the column headers."))
    if progress is not None:
        progress(len(body), len(body))
    return Table(headers=headers, rows=body)


def _trimmed(cells: list[str]) -> list[str]:
    cells = list(cells)
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _check_cells(line: int, cells: list[str], headers: list[str] | None, caps: Caps) -> None:
    if len(cells) > caps.max_columns:
        raise SpreadsheetError(too_many_columns(line, caps))
    if max(map(len, cells), default=0) <= caps.max_cell_chars:
        return
    position = next(index for index, text in enumerate(cells) if len(text) > caps.max_cell_chars)
    column = headers[position] if headers and position < len(headers) and headers[position] \
        else column_letter(position + 1)
    raise SpreadsheetError(_("Line %(line)d, column “%(column)s”: a cell holds more than %(max)d characters.")
                           % {"line": line, "column": column, "max": caps.max_cell_chars})


def too_many_rows(caps: Caps) -> str:
    return _("The file has more than %(max)d rows; split it into files of at most %(max)d rows.") \
        % {"max": caps.max_rows}


def too_many_columns(line: int, caps: Caps) -> str:
    return _("Line %(line)d has a value right of column %(max)d; a file may have at most %(max)d columns.") \
        % {"line": line, "max": caps.max_columns}


def column_letter(number: int) -> str:
    """1 → A, 27 → AA: how a spreadsheet names a column."""
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------

def decode_text(data: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with its BOM, else GB18030 — a superset of the GBK that Excel on
    Chinese Windows writes. Chinese text that is really GBK almost never passes as UTF-8."""
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError as error:  # the BOM promised an encoding the rest breaks
                raise SpreadsheetError(_("The file is not valid %(encoding)s text.")
                                       % {"encoding": encoding.upper()}) from error
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(_("The file's encoding is neither UTF-8 nor GBK; save it as “CSV UTF-8”."))


def csv_rows(data: bytes) -> tuple[int, Rows]:
    text = decode_text(data)
    if "\x00" in text:
        raise SpreadsheetError(_("This is not a CSV text file."))
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count) if any(d in first_line for d in ",\t;") else ","
    return text.count("\n") + 1, _csv_lines(text, delimiter)


def _csv_lines(text: str, delimiter: str) -> Rows:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 1  # a record is one spreadsheet row, even when a quoted cell in it holds line breaks
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise SpreadsheetError(_("The CSV file is malformed near line %(line)d: %(error)s")
                                   % {"line": line, "error": error}) from error
        yield line, [csv_cell_text(cell) for cell in cells]
        line += 1


_EXCEL_TEXT_FORMULA = re.compile(r'="((?:[^"]|"")*)"')


def csv_cell_text(text: str) -> str:
    """A CSV cell as its value: `="0301"` (how systems keep Excel from dropping leading zeros) is
    0301, and one leading apostrophe (the writer's "this is text" mark, see writer.csv_text) goes."""
    if text[:1] == "'":
        return text[1:]
    match = _EXCEL_TEXT_FORMULA.fullmatch(text) if text[:2] == '="' else None
    return match.group(1).replace('""', '"') if match else text


# ---------------------------------------------------------------------------------------------
# Cell values → text
# ---------------------------------------------------------------------------------------------

_ZERO_PADDED = re.compile(r"0+")


def cell_text(value, number_format: str | None = None) -> str:
    """A spreadsheet value as the text a person sees: 15.0 → "15", 12.5 → "12.5", 1e-05 → "0.00001",
    301 in a "000000" cell → "000301", a date → "2026-01-05", True → "是"."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) >= EXACT_FLOAT_LIMIT:
            return f"{value:.15G}"
        value = int(value) if value.is_integer() else Decimal(repr(value))
    if isinstance(value, int):
        text = str(value)
        if number_format and _ZERO_PADDED.fullmatch(number_format) and value >= 0:
            return text.zfill(len(number_format))
        return text
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
