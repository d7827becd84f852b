"""Spreadsheets in and out: the one reader and the one writer every import and export uses.

Reading (`read_table`): CSV in UTF-8 (with or without BOM), UTF-16 or GB18030/GBK as Excel on
Chinese Windows saves it, comma/semicolon/tab separated; XLSX through openpyxl in read-only
streaming mode. Every cap (`Caps`) is checked while the file streams, and an XLSX package is
checked before openpyxl opens it (declared sizes, compression ratio, XML elements), so a hostile
file is refused at the cap, never parsed whole. Cells come back as text that keeps codes as
written (no 1.3E+17, no lost leading zeros). `map_headers` finds the columns by Chinese or
English header, in any order.

Writing (`Sheet`, `write_sheets`, `to_csv`, `to_xlsx`, `write_csv`): CSV in UTF-8 with BOM (Excel
opens Chinese correctly) and XLSX with bold, frozen headings, written row by row (write-only mode);
text is never written as a formula, so codes stay text. `spreadsheet_response` is the download.
"""

from core.spreadsheets.headers import (
    Column,
    HeaderMap,
    ImportReport,
    Problem,
    code_text,
    map_headers,
    named_one,
)
from core.spreadsheets.reader import Caps, SpreadsheetError, Table, decode_text, read_table
from core.spreadsheets.writer import (
    CONTENT_TYPES,
    FORMATS,
    Sheet,
    spreadsheet_response,
    to_csv,
    to_xlsx,
    write_csv,
    write_sheets,
)

__all__ = [
    "CONTENT_TYPES", "FORMATS", "Caps", "Column", "HeaderMap", "ImportReport", "Problem", "Sheet", "SpreadsheetError",
    "Table", "code_text", "decode_text", "map_headers", "named_one", "read_table", "spreadsheet_response", "to_csv",
    "to_xlsx", "write_csv", "write_sheets",
]
