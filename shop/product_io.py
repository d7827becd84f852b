"""A merchant's products as a spreadsheet: what each column means, every row checked. Pure: no ORM.

Header row on line 1, Chinese or English names, any column order:

| column | content |
| --- | --- |
| 商品编码 sku | required; unique within the file; rows create or update the merchant's product with this code |
| 商品名称 title | required |
| 分类 category | an existing category: its full path (农产品 > 禽蛋) or its own name when that is unique |
| 价格(元) price | yuan, more than 0, at most 2 decimals |
| 库存 stock | a whole number, 0 or more |
| 描述 description | optional free text |

Files are read by core.spreadsheets (encodings, XLSX streaming, the caps in CAPS). Nothing is
imported unless every row is clean; the caller gets each problem with its line number as the
spreadsheet shows it and the column as the file names it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.money import parse_yuan, yuan_decimal
from core.spreadsheets import Caps, Column, HeaderMap, Problem, Table, code_text, map_headers

REQUIRED = ("sku", "title", "category", "price", "stock")
COLUMNS = [Column(key, header, aliases, required=key in REQUIRED) for key, header, aliases in [
    ("sku", "商品编码", ("编码", "货号", "sku", "code", "partner sku")),
    ("title", "商品名称", ("名称", "品名", "title", "name", "product")),
    ("category", "分类", ("商品分类", "类别", "category")),
    ("price", "价格(元)", ("价格", "单价", "售价", "price", "price (yuan)")),
    ("stock", "库存", ("库存数量", "数量", "stock", "num in stock")),
    ("description", "描述", ("商品描述", "说明", "description")),
]]
CAPS = Caps(max_bytes=5 * 2**20, max_rows=2000, max_columns=20, max_cell_chars=5000)
MAX_TITLE, MAX_SKU = 255, 128  # Oscar's product title and partner SKU
MAX_PRICE_FEN = 10**12  # Oscar's price column holds 12 digits, 2 of them decimals


@dataclass
class ProductRow:
    line: int
    sku: str
    title: str
    category_id: int
    price: Decimal
    stock: int
    description: str


def parse_price(text: str) -> Decimal:
    """Yuan → Decimal with two places (core.money reads the digits: no exponent, NaN or float)."""
    try:
        fen = parse_yuan(text)
    except ValidationError as error:
        if error.code == "precision":
            raise ValidationError(_("A price is more than 0 yuan with at most 2 decimals.")) from None
        if error.code == "too_large":
            raise
        raise ValidationError(_("“%(value)s” is not an amount in yuan.") % {"value": text}) from None
    if fen <= 0:
        raise ValidationError(_("A price is more than 0 yuan with at most 2 decimals."))
    if fen >= MAX_PRICE_FEN:
        raise ValidationError(_("This amount is too large."))
    return yuan_decimal(fen)


def parse_stock(text: str) -> int:
    if not re.fullmatch(r"\d{1,7}", text.strip()):
        raise ValidationError(_("Stock is a whole number, 0 or more."))
    return int(text)


def parse(table: Table, *, categories: dict[str, int],
          leaf_names: dict[str, list[int]]) -> tuple[list[ProductRow], list[Problem], HeaderMap]:
    """Check every row. `categories` maps "A > B" paths to ids, `leaf_names` a category's own name to ids."""
    columns = map_headers(table.headers, COLUMNS)
    if columns.problems:
        return [], list(columns.problems), columns
    rows, problems, seen = [], [], {}
    for line, cells in table.rows:
        row = _parse_row(line, cells, columns, categories, leaf_names, problems, seen)
        if row:
            rows.append(row)
    return rows, problems, columns


def _parse_row(line, cells, columns: HeaderMap, categories, leaf_names, problems, seen) -> ProductRow | None:
    before = len(problems)

    def refuse(key: str, message: str) -> None:
        problems.append(Problem(line, columns.label(key), message))

    values = {column.key: columns.cell(cells, column.key).strip() for column in COLUMNS}
    for key in REQUIRED:
        if not values[key]:
            refuse(key, _("This cell is required."))
    parsed: dict = {}
    for key, parser in (("sku", code_text), ("price", parse_price), ("stock", parse_stock)):
        if values[key]:
            try:
                parsed[key] = parser(values[key])
            except ValidationError as error:
                refuse(key, error.messages[0])
    sku = parsed.get("sku", "")
    if sku and sku in seen:
        refuse("sku", _("The same code is on line %(line)d too.") % {"line": seen[sku]})
    seen.setdefault(sku, line)
    if len(values["title"]) > MAX_TITLE or len(sku) > MAX_SKU:
        refuse("title", _("The name or the code is too long."))
    category_id = _category(values["category"], categories, leaf_names) if values["category"] else None
    if isinstance(category_id, str):
        refuse("category", category_id)
    if len(problems) > before:
        return None
    return ProductRow(line=line, sku=sku, title=values["title"], category_id=category_id, price=parsed["price"],
                      stock=parsed["stock"], description=values["description"])


def _category(text: str, categories: dict[str, int], leaf_names: dict[str, list[int]]) -> int | str:
    """The category's id, or a message saying why there is none."""
    path = " > ".join(part.strip() for part in re.split(r"\s*[>＞/]\s*", text))
    if path in categories:
        return categories[path]
    ids = leaf_names.get(text.strip(), [])
    if len(ids) == 1:
        return ids[0]
    message = (_("“%(name)s” names more than one category; write the full path, e.g. 农产品 > 禽蛋.") if ids
               else _("There is no category “%(name)s”; ask the county office to add it."))
    return message % {"name": text}
