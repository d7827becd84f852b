"""The service catalogue as a spreadsheet: reading CSV/XLSX files, checking every row, writing them.

One row per service item. The header row (line 1) names the columns in Chinese; English aliases
are accepted too (see COLUMNS). Column order does not matter and unknown columns are ignored
(and reported as such).

| column | content |
| --- | --- |
| 事项编码 code | required, unique; rows are created or updated by this code |
| 事项名称 name | required |
| 实施部门 department | a department's code, or its exact name, within the county |
| 事项类别 category | 行政许可 / 公共服务 / 日常管理 / 便民服务 (or licence / public_service / …) |
| 最低受理层级 lowest level | 村级 / 社区 / 乡镇 / 县级 / 市级 (or village / community / …); empty: 县级 |
| 法定时限 legal days | working days, a whole number (a trailing 个工作日 / 工作日 / 天 / 日 is ignored) |
| 承诺时限 promised days | the same; not longer than the legal limit |
| 收费(元) fee | yuan with at most 2 decimals (12.50); empty, 0 or 免费 for free |
| 出具证明 / 可网上申请 | 是 / 否 (also Y/N, yes/no, true/false, 1/0); empty: 否 |
| 申请材料 materials | see below |
| 电子表单 form schema | the e-form as JSON (see gov_services/catalogue/eforms/); empty: no form |
| 说明 description | free text |
| 上级事项编码 parent code | for a sub-item (子项): its parent's item code, in this file or already in the catalogue; empty: a top-level item |

**Materials** are separated by ";" (or "；" or a line break inside the cell). Each material is
`名称[:形式[:必需|可选[:备注]]]` with ":" or "：" between the parts, for example
`身份证:原件;户口簿:复印件;照片:扫描件:可选;近期照片:原件:必需:一寸免冠`. The form is
原件 / 复印件 / 扫描件 (or original / copy / scan; default 原件), and a material is required unless
marked 可选 (a trailing "（可选）" on the name or form also works). A literal separator inside a
name or note is written with a backslash: `证明\\:甲`.

When an optional column is absent from the file, an updated item keeps its current value and a
new item gets the default; when the column is present, an empty cell means the default.

Files are read and written by core.spreadsheets (encodings, XLSX streaming, the caps in CAPS,
formula-safe text); this module knows only what the catalogue's columns and rows mean, and
gov_services/catalogue/cells.py what each cell means.

No ORM here: callers pass the county's departments in, and get parsed rows and problems back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.money import yuan_decimal, yuan_plain
from core.spreadsheets import (
    Caps,
    Column,
    HeaderMap,
    Problem,
    Sheet,
    Table,
    code_text,
    map_headers,
    named_one,
    write_sheets,
)
from gov_services.catalogue.cells import (
    CATEGORY_LABELS,
    LEVEL_LABELS,
    format_bool,
    format_materials,
    parse_bool,
    parse_category,
    parse_days,
    parse_fee_fen,
    parse_level,
    parse_materials,
    parse_schema,
)

# ---------------------------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------------------------

REQUIRED = ("code", "name", "department", "category", "legal_limit_days", "promised_limit_days")
COLUMNS = [Column(key, header, aliases, required=key in REQUIRED) for key, header, aliases in [
    ("code", "事项编码", ("编码", "事项代码", "code", "item code", "item_code")),
    ("name", "事项名称", ("名称", "name", "item name")),
    ("department", "实施部门", ("部门", "实施主体", "department", "department code")),
    ("category", "事项类别", ("类别", "事项类型", "category")),
    ("lowest_level", "最低受理层级", ("受理层级", "最低层级", "lowest level", "lowest_level", "level")),
    ("legal_limit_days", "法定时限", ("法定时限(工作日)", "法定办结时限", "legal days", "legal limit",
                                  "legal_limit_days")),
    ("promised_limit_days", "承诺时限", ("承诺时限(工作日)", "承诺办结时限", "promised days", "promised limit",
                                     "promised_limit_days")),
    ("fee", "收费(元)", ("收费", "收费标准", "收费标准(元)", "fee", "fee (yuan)", "fee_yuan", "fee yuan")),
    ("issues_certificate", "出具证明", ("是否出具证明", "certificate", "issues certificate", "issues_certificate")),
    ("online_allowed", "可网上申请", ("网上申请", "可网上办理", "是否可网上申请", "online", "online allowed",
                                  "online_allowed")),
    ("materials", "申请材料", ("材料", "所需材料", "materials")),
    ("form_schema", "电子表单", ("表单", "form", "form schema", "form_schema", "e-form", "eform")),
    ("description", "说明", ("事项说明", "描述", "办理说明", "description")),
    ("parent", "上级事项编码", ("上级事项", "父项编码", "主项编码", "parent", "parent code", "parent_code")),
    ("issued_by_village_committee", "村委会出具", ("村委会证明", "由村委会出具", "village committee",
                                               "issued_by_village_committee")),
]]
# An e-form's JSON is the longest cell a catalogue has.
CAPS = Caps(max_bytes=10 * 2**20, max_rows=5000, max_columns=30, max_cell_chars=20_000)


@dataclass
class ParsedRow:
    line: int
    values: dict  # model field → value, only for the columns present in the file
    materials: list[dict] | None  # None when the file has no materials column
    department_ref: str = ""
    parent_ref: str | None = None  # the parent's code; None when the file has no parent column


# ---------------------------------------------------------------------------------------------
# Rows → item values
# ---------------------------------------------------------------------------------------------

CELL_PARSERS = {
    "legal_limit_days": ("legal_limit_days", parse_days),
    "promised_limit_days": ("promised_limit_days", parse_days),
    "fee": ("fee_fen", parse_fee_fen),
    "issues_certificate": ("issues_certificate", parse_bool),
    "online_allowed": ("online_allowed", parse_bool),
    "issued_by_village_committee": ("issued_by_village_committee", parse_bool),
    "category": ("category", parse_category),
    "lowest_level": ("lowest_level", lambda text: parse_level(text) if text.strip() else "county"),
    "form_schema": ("form_schema", parse_schema),
    "code": ("code", code_text),
    "name": ("name", str.strip),
    "description": ("description", str.strip),
}


def parse_rows(table: Table, *, departments) -> tuple[list[ParsedRow], list[Problem], HeaderMap]:
    """Check every row's cells; `departments` are the county's Department rows (or objects with
    pk, code and name). Returns the parsed rows, every problem found, and the column map."""
    columns = map_headers(table.headers, COLUMNS)
    problems = list(columns.problems)
    if problems:
        return [], problems, columns
    by_code = {d.code.strip().lower(): d for d in departments}
    by_name: dict[str, list] = {}
    for department in departments:
        by_name.setdefault(department.name.strip(), []).append(department)

    parsed, first_line_of_code = [], {}
    for line, cells in table.rows:
        def cell(key, cells=cells):
            return columns.cell(cells, key)

        row_problems: list[Problem] = []
        values: dict = {}
        for key, (field_name, parser) in CELL_PARSERS.items():
            if not columns.has(key):
                continue
            try:
                values[field_name] = parser(cell(key))
            except ValidationError as error:
                row_problems += [Problem(line, columns.label(key), m) for m in error.messages]

        for key in ("code", "name"):
            if key in values and not values[key]:
                row_problems.append(Problem(line, columns.label(key), _("This cell may not be empty.")))
                values.pop(key)

        reference = cell("department").strip()
        department = _department(reference, by_code, by_name)
        if isinstance(department, str):
            row_problems.append(Problem(line, columns.label("department"), department))
        else:
            values["department"] = department

        materials = None
        if columns.has("materials"):
            try:
                materials = parse_materials(cell("materials"))
            except ValidationError as error:
                row_problems += [Problem(line, columns.label("materials"), m) for m in error.messages]

        legal, promised = values.get("legal_limit_days"), values.get("promised_limit_days")
        if legal is not None and promised is not None and promised > legal:
            row_problems.append(Problem(line, columns.label("promised_limit_days"), promised_too_long(
                promised, legal)))

        code = values.get("code")
        if code:
            if code in first_line_of_code:
                row_problems.append(Problem(line, columns.label("code"),
                                            _("Item code “%(code)s” already appears on line %(line)d.")
                                            % {"code": code, "line": first_line_of_code[code]}))
            else:
                first_line_of_code[code] = line
        parent_ref = None
        if columns.has("parent"):
            try:
                parent_ref = code_text(cell("parent"))
            except ValidationError as error:
                row_problems += [Problem(line, columns.label("parent"), m) for m in error.messages]
        problems += row_problems
        parsed.append(ParsedRow(line=line, values=values, materials=materials, department_ref=reference,
                                parent_ref=parent_ref))
    return parsed, problems, columns


def promised_too_long(promised: int, legal: int) -> str:
    return _("The promised time limit (%(promised)d working days) is longer than the legal limit "
             "(%(legal)d working days); it may be equal or shorter.") % {"promised": promised, "legal": legal}


def _department(reference: str, by_code: dict, by_name: dict):
    """The department for a cell, or a message saying why there is none."""
    if not reference:
        return _("The department is missing.")
    return named_one(reference, by_code, by_name, code=reference.lower(),
                     several=_("Several departments in this county are called “%(name)s”; use the department code."),
                     missing=_("No department with the code or name “%(ref)s” in this county."))


# ---------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------

EXPORT_FORMATS = ("csv", "xlsx")


def item_row(item, *, fmt: str) -> list:
    """One item as export cells, in COLUMNS order. In XLSX numbers stay numbers; in CSV the fee is
    written as yuan with its two decimals ("12.50")."""
    fee = yuan_plain(item.fee_fen) if fmt == "csv" else yuan_decimal(item.fee_fen)
    return [
        item.code,
        item.name,
        item.department.code,
        CATEGORY_LABELS.get(item.category, item.category),
        LEVEL_LABELS.get(item.lowest_level, item.lowest_level),
        item.legal_limit_days,
        item.promised_limit_days,
        fee,
        format_bool(item.issues_certificate),
        format_bool(item.online_allowed),
        format_materials(item.materials.all()),
        json.dumps(item.form_schema, ensure_ascii=False, separators=(",", ":")) if item.form_schema else "",
        item.description,
        item.parent.code if item.parent_id else "",
        format_bool(item.issued_by_village_committee),
    ]


def catalogue_export(*, items, fmt: str) -> bytes:
    """The items as a CSV or XLSX file that catalogue_import reads back unchanged.

    `items` should come with `department` and `parent` selected and `materials` prefetched (one query each).
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    sheet = Sheet(title=str(gettext_lazy("Service catalogue")), headers=[column.header for column in COLUMNS],
                  rows=(item_row(item, fmt=fmt) for item in items))
    return write_sheets(sheet, fmt)
