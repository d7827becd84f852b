"""XLSX files: the zip package is checked before openpyxl opens it, then the first sheet streams.

openpyxl, even in read-only mode, reads all shared strings and styles when it opens a workbook and
parses a whole `<row>` before handing it over, so a small file that unpacks to hundreds of MB (a
zip bomb, or a sheet with 16,384 cells in every row) would hold a worker for minutes. Before it
opens anything we check, from the zip's own directory, the number of parts, their declared
unpacked size (zipfile never yields more than that) and their compression ratio; then one pass of
expat over every XML part counts elements (cells, strings, styles) against a budget derived from the
row and column caps and refuses DTDs. What openpyxl then parses is bounded by the caps.
"""

from __future__ import annotations

import io
import warnings
import zipfile
import zlib
from xml.parsers import expat

from django.utils.translation import gettext as _

from core.spreadsheets.reader import (
    Caps,
    Rows,
    SpreadsheetError,
    cell_text,
    megabytes,
    too_many_columns,
    too_many_rows,
)

MAX_PARTS = 1000
RATIO_FLOOR = 2**20  # smaller parts are not judged by their ratio (a tiny empty sheet packs 50×)
CHUNK = 64 * 1024
XML_SUFFIXES = (".xml", ".rels", ".vml")
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls, and any password-protected workbook


class _Refused(Exception):
    """Raised from inside an expat handler to stop the scan; carries the user's message."""


def xlsx_rows(data: bytes, caps: Caps) -> tuple[int | None, Rows]:
    """(data rows the sheet declares or None, the rows of the first sheet as text)."""
    if data.startswith(OLE_MAGIC):
        raise SpreadsheetError(_("This is an old .xls file or a password-protected workbook; save it as "
                                 ".xlsx without a password."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise SpreadsheetError(_not_readable()) from error
    with archive:
        shapes = check_package(archive, caps)
    return _open_first_sheet(data, caps, shapes)


def _not_readable() -> str:
    return _("The file is not a readable .xlsx workbook; open it in a spreadsheet and save it again.")


def check_package(archive: zipfile.ZipFile, caps: Caps) -> dict[str, SheetShape]:
    """Refuse a package that would cost more to open than the caps allow; reads no more than that.
    Returns the shape of every worksheet part, by its name in the zip."""
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise SpreadsheetError(_("The workbook holds more than %(max)d parts; this is not an ordinary "
                                 "spreadsheet.") % {"max": MAX_PARTS})
    if sum(info.file_size for info in infos) > caps.max_unpacked_bytes:
        raise SpreadsheetError(_("The workbook unpacks to more than %(mb)s MB; split it into smaller files.")
                               % {"mb": megabytes(caps.max_unpacked_bytes)})
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > caps.max_ratio * max(info.compress_size, 1):
            raise SpreadsheetError(_("The workbook's part “%(part)s” is packed more than %(ratio)d times "
                                     "tighter than a spreadsheet can be; it is refused as a zip bomb.")
                                   % {"part": info.filename[:80], "ratio": caps.max_ratio})
    budget = _Budget(caps)
    return {info.filename: shape for info in infos if (shape := _scan_part(archive, info, budget)).rows}


class _Budget:
    """XML elements left to read in the whole package."""

    def __init__(self, caps: Caps):
        self.caps, self.left = caps, caps.max_xml_elements

    def spend(self, shape: SheetShape) -> None:
        self.left -= 1
        if self.left < 0:
            if shape.wide_line is not None:  # the usual cause: rows far wider than the column cap
                raise _Refused(too_many_columns(shape.wide_line, self.caps))
            raise _Refused(_("The workbook holds more cells than %(rows)d rows × %(columns)d columns; split it "
                             "into smaller files.") % {"rows": self.caps.max_rows, "columns": self.caps.max_columns})


class SheetShape:
    """What the scan saw of one worksheet part: rows holding a value (refused past the row cap, in
    any sheet: the whole workbook is held to the caps), and the first line with a value right of
    the column cap (refused only in the sheet that is read)."""

    def __init__(self, caps: Caps):
        self.caps = caps
        self.rows = 0
        self.wide_line: int | None = None
        self._line = self._column = 0
        self._counted_line = -1

    def start(self, tag: str, attributes: dict) -> None:
        if tag == "row":
            self._line = _int(attributes.get("r"), self._line + 1)
            self._column = 0
        elif tag == "c":
            self._column = _column_of(attributes.get("r"), self._column + 1)
        elif tag in ("v", "is"):
            if self._counted_line != self._line:
                self._counted_line = self._line
                self.rows += 1
                if self.rows > self.caps.max_rows + 1:  # the header, then the data rows
                    raise _Refused(too_many_rows(self.caps))
            if self._column > self.caps.max_columns and self.wide_line is None:
                self.wide_line = self._line


def _int(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() else default


def _column_of(reference: str | None, default: int) -> int:
    """"AB12" → 28; the default when the cell has no reference."""
    number = 0
    for char in reference or "":
        if not "A" <= char <= "Z":
            break
        number = number * 26 + ord(char) - 64
    return number or default


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> SheetShape:
    shape = SheetShape(budget.caps)
    parser = expat.ParserCreate()

    def start(name, attributes):
        budget.spend(shape)
        shape.start(name.rpartition(":")[2], attributes)

    def doctype(*_args):
        raise _Refused(_not_readable())  # no spreadsheet part declares a DTD; entity tricks do

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    try:
        with archive.open(info) as part:
            while chunk := part.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Refused as refusal:
        raise SpreadsheetError(str(refusal)) from None
    except expat.ExpatError as error:
        if info.filename.lower().endswith(XML_SUFFIXES):
            raise SpreadsheetError(_not_readable()) from error
        # not XML (an image, a printer setting): openpyxl does not parse it either
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError) as error:
        raise SpreadsheetError(_not_readable()) from error
    return shape


def _open_first_sheet(data: bytes, caps: Caps, shapes: dict[str, SheetShape]) -> tuple[int | None, Rows]:
    from openpyxl import load_workbook  # only spreadsheet imports need it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "no default style", unsupported extensions
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        sheet = workbook.worksheets[0]
    except Exception as error:  # openpyxl raises many kinds for a broken file; all mean "cannot read"
        raise SpreadsheetError(_not_readable()) from error
    shape = shapes.get(getattr(sheet, "_worksheet_path", ""))  # openpyxl keeps the part name there
    if shape is not None and shape.wide_line is not None:
        workbook.close()
        raise SpreadsheetError(too_many_columns(shape.wide_line, caps))
    declared = sheet.max_row
    expected = min(declared - 1, caps.max_rows) if declared and declared > 1 else None
    return expected, _stream(workbook, sheet, caps)


def _stream(workbook, sheet, caps: Caps) -> Rows:
    """The sheet's rows, one at a time; columns past the cap are not even padded (max_col)."""
    try:
        for line, cells in enumerate(sheet.iter_rows(max_col=caps.max_columns + 1), start=1):
            yield line, [_text(cell) for cell in cells]
    except Exception as error:  # a part broken half-way through
        raise SpreadsheetError(_not_readable()) from error
    finally:
        workbook.close()


def _text(cell) -> str:
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return cell_text(value, cell.number_format)
    return cell_text(value)
