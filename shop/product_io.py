"""A merchant's products as a spreadsheet: reading CSV/XLSX and checking every row. Pure: no ORM.

Header row on line 1, Chinese or English names, any column order:

| column | content |
| --- | --- |
| 商品编码 sku | required; unique within the file; rows create or update the merchant's product with this code |
| 商品名称 title | required |
| 分类 category | an existing category: its full path (农产品 > 禽蛋) or its own name when that is unique |
| 价格(元) price | yuan, more than 0, at most 2 decimals |
| 库存 stock | a whole number, 0 or more |
| 描述 description | optional free text |

CSV may be UTF-8 (with or without BOM) or GBK/GB18030 as Excel on Chinese Windows saves it. A
leading apostrophe (a spreadsheet's "this is text" mark) is dropped. Nothing is imported unless
every row is clean; the caller gets each problem with its line number as the spreadsheet shows it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.money import parse_yuan

COLUMNS: list[tuple[str, str, tuple[str, ...]]] = [
    ("sku", "商品编码", ("编码", "货号", "sku", "code", "partner sku")),
    ("title", "商品名称", ("名称", "品名", "title", "name", "product")),
    ("category", "分类", ("商品分类", "类别", "category")),
    ("price", "价格(元)", ("价格", "单价", "售价", "price", "price (yuan)")),
    ("stock", "库存", ("库存数量", "数量", "stock", "num in stock")),
    ("description", "描述", ("商品描述", "说明", "description")),
]
REQUIRED = ("sku", "title", "category", "price", "stock")
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
MAX_PRICE_FEN = 10**12  # Oscar's price column holds 12 digits, 2 of them decimals


def _key(text: str) -> str:
    text = (text or "").replace("\ufeff", "").replace("（", "(").replace("）", ")").strip().lower()
    return re.sub(r"[\s_\-]+", "", text)


HEADER_KEYS = {_key(alias): key for key, header, aliases in COLUMNS for alias in (key, header, *aliases)}


@dataclass(frozen=True)
class Problem:
    line: int | None  # as the spreadsheet shows it (header = 1); None for the file as a whole
    column: str
    message: str


@dataclass
class ProductRow:
    line: int
    sku: str
    title: str
    category_id: int
    price: Decimal
    stock: int
    description: str


@dataclass
class Parsed:
    rows: list[ProductRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class ProductFileError(Exception):
    """The file as a whole cannot be read."""


def read_rows(data: bytes, filename: str) -> list[list[str]]:
    if len(data) > MAX_FILE_BYTES:
        raise ProductFileError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // 2**20})
    if not data.strip():
        raise ProductFileError(_("The file is empty."))
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return _xlsx_rows(data)
    if name.endswith((".csv", ".txt")):
        return _csv_rows(data)
    raise ProductFileError(_("Upload a .csv or .xlsx file (a .xls file: save it as .xlsx first)."))


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as error:
            raise ProductFileError(_("The CSV file is neither UTF-8 nor GBK text.")) from error
    return [row for row in csv.reader(io.StringIO(text))]


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ProductFileError(_("The XLSX file cannot be opened; save it again from the spreadsheet.")) from error
    return [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _text(value: str) -> str:
    value = (value or "").strip()
    return value[1:] if value.startswith("'") else value


def parse_price(text: str) -> Decimal:
    """Yuan → Decimal with two places (core.money reads the digits: no exponent, NaN or float)."""
    try:
        fen = parse_yuan(text)
    except ValidationError as error:
        if error.code in ("precision", "too_large"):
            raise ValueError(_("A price is more than 0 yuan with at most 2 decimals.") if error.code == "precision"
                             else error.messages[0]) from None
        raise ValueError(_("“%(value)s” is not an amount in yuan.") % {"value": text}) from None
    if fen <= 0:
        raise ValueError(_("A price is more than 0 yuan with at most 2 decimals."))
    if fen >= MAX_PRICE_FEN:
        raise ValueError(_("This amount is too large."))
    return Decimal(fen).scaleb(-2)


def parse_stock(text: str) -> int:
    if not re.fullmatch(r"\d{1,7}", text.strip()):
        raise ValueError(_("Stock is a whole number, 0 or more."))
    return int(text)


def parse(rows: list[list[str]], *, categories: dict[str, int], leaf_names: dict[str, list[int]]) -> Parsed:
    """Check every row. `categories` maps "A > B" paths to ids, `leaf_names` a category's own name to ids."""
    result = Parsed()
    rows = [row for row in rows if any(_text(cell) for cell in row)]
    if not rows:
        result.problems.append(Problem(None, "", _("The file is empty.")))
        return result
    header, body = rows[0], rows[1:]
    columns = {HEADER_KEYS[_key(text)]: index for index, text in enumerate(header) if _key(text) in HEADER_KEYS}
    missing = [dict((k, h) for k, h, _a in COLUMNS)[key] for key in REQUIRED if key not in columns]
    if missing:
        result.problems.append(Problem(None, "", _("Missing columns: %(names)s") % {"names": "、".join(missing)}))
        return result
    if len(body) > MAX_ROWS:
        result.problems.append(Problem(None, "", _("At most %(n)d rows per file.") % {"n": MAX_ROWS}))
        return result
    seen: dict[str, int] = {}
    for offset, cells in enumerate(body, start=2):
        row = _parse_row(offset, cells, columns, categories, leaf_names, result.problems, seen)
        if row:
            result.rows.append(row)
    return result


def _parse_row(line, cells, columns, categories, leaf_names, problems, seen) -> ProductRow | None:
    def cell(key):
        index = columns.get(key)
        return _text(cells[index]) if index is not None and index < len(cells) else ""

    before = len(problems)
    values = {key: cell(key) for key, _h, _a in COLUMNS}
    for key in REQUIRED:
        if not values[key]:
            problems.append(Problem(line, key, _("This cell is required.")))
    if values["sku"] in seen:
        problems.append(Problem(line, "sku", _("The same code is on line %(line)d too.") % {"line": seen[values["sku"]]}))
    seen.setdefault(values["sku"], line)
    if len(values["title"]) > 255 or len(values["sku"]) > 128:
        problems.append(Problem(line, "title", _("The name or the code is too long.")))
    category_id = _category(values["category"], categories, leaf_names, line, problems) if values["category"] else None
    price = stock = None
    for key, parser in (("price", parse_price), ("stock", parse_stock)):
        if values[key]:
            try:
                parsed = parser(values[key])
            except ValueError as error:
                problems.append(Problem(line, key, str(error)))
            else:
                price, stock = (parsed, stock) if key == "price" else (price, parsed)
    if len(problems) > before:
        return None
    return ProductRow(line=line, sku=values["sku"], title=values["title"], category_id=category_id, price=price,
                      stock=stock, description=values["description"])


def _category(text, categories, leaf_names, line, problems) -> int | None:
    path = " > ".join(part.strip() for part in re.split(r"\s*[>＞/]\s*", text))
    if path in categories:
        return categories[path]
    ids = leaf_names.get(text.strip(), [])
    if len(ids) == 1:
        return ids[0]
    message = (_("“%(name)s” names more than one category; write the full path, e.g. 农产品 > 禽蛋.") if ids
               else _("There is no category “%(name)s”; ask the county office to add it."))
    problems.append(Problem(line, "category", message % {"name": text}))
    return None
