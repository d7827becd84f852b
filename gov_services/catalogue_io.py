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
| 电子表单 form schema | the e-form as JSON (see gov_services/eforms.py); empty: no form |
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
formula-safe text); this module knows only what the catalogue's columns and cells mean.

No ORM here: callers pass the county's departments in, and get parsed rows and problems back.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.money import parse_yuan, yuan_decimal, yuan_plain
from core.spreadsheets import (
    Caps,
    Column,
    HeaderMap,
    Problem,
    Sheet,
    Table,
    code_text,
    map_headers,
    write_sheets,
)
from gov_services.eforms import validate_schema

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

CATEGORY_LABELS = {  # the file format is Chinese whatever the screen's language
    "licence": "行政许可", "public_service": "公共服务", "daily_management": "日常管理", "convenience": "便民服务",
}
CATEGORY_ALIASES = {
    "administrative licence": "licence", "administrative license": "licence", "license": "licence",
    "许可": "licence", "public service": "public_service", "daily management": "daily_management",
    "convenience service": "convenience", "便民": "convenience",
}
LEVEL_LABELS = {"village": "村级", "community": "社区", "township": "乡镇", "county": "县级", "city": "市级"}
LEVEL_ALIASES = {
    "村": "village", "行政村": "village", "社区级": "community", "乡": "township", "镇": "township",
    "乡镇级": "township", "乡级": "township", "镇级": "township", "县": "county", "区县": "county",
    "县区": "county", "市": "city",
}
FORM_LABELS = {"original": "原件", "copy": "复印件", "scan": "扫描件"}
FORM_ALIASES = {"原": "original", "复印": "copy", "扫描": "scan", "电子版": "scan", "扫描版": "scan"}
OPTIONAL_WORDS = {"可选", "选填", "非必需", "optional"}
REQUIRED_WORDS = {"必需", "必须", "必要", "必填", "required"}
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓", "有", "可以"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "✗", "无", "不可以", ""}

@dataclass
class ParsedRow:
    line: int
    values: dict  # model field → value, only for the columns present in the file
    materials: list[dict] | None  # None when the file has no materials column
    department_ref: str = ""
    parent_ref: str | None = None  # the parent's code; None when the file has no parent column


# ---------------------------------------------------------------------------------------------
# Cell parsers: text in, value out, ValidationError with a message for the user
# ---------------------------------------------------------------------------------------------

def parse_days(text: str) -> int:
    value = re.sub(r"(个?工作日|天|日)$", "", text.strip())
    if not re.fullmatch(r"\d{1,4}", value):
        raise ValidationError(_("“%(value)s” is not a whole number of working days.") % {"value": text})
    return int(value)


def parse_fee_fen(text: str) -> int:
    """Yuan with at most two decimals → integer fen (core.money reads the digits); empty, 免费 or 无: free."""
    if text.strip() in ("", "免费", "无"):
        return 0
    try:
        fen = parse_yuan(text)
    except ValidationError as error:
        if error.code == "precision":
            raise ValidationError(_("The fee “%(value)s” has more than two decimal places (fen).")
                                  % {"value": text}) from None
        if error.code == "too_large":
            raise
        raise ValidationError(_("The fee “%(value)s” is not an amount in yuan, e.g. 12.50.") % {"value": text}) from None
    if fen < 0:
        raise ValidationError(_("The fee “%(value)s” is negative.") % {"value": text})
    return fen


def parse_bool(text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValidationError(_("“%(value)s” is not 是 or 否.") % {"value": text})


def format_bool(value: bool) -> str:
    return "是" if value else "否"


def parse_category(text: str) -> str:
    from gov_services.models import ServiceItem  # choices only; no query

    word = text.strip()
    by_label = {label: value for value, label in CATEGORY_LABELS.items()}
    lowered = word.lower()
    if word in by_label:
        return by_label[word]
    if lowered in CATEGORY_LABELS:
        return lowered
    if lowered in CATEGORY_ALIASES or word in CATEGORY_ALIASES:
        return CATEGORY_ALIASES.get(lowered) or CATEGORY_ALIASES[word]
    for value, label in ServiceItem.Category.choices:  # the label in the active language
        if word == str(label) or lowered == str(label).lower():
            return value
    raise ValidationError(_("Unknown category “%(value)s”; use one of %(choices)s.")
                          % {"value": text, "choices": "、".join(CATEGORY_LABELS.values())})


def parse_level(text: str) -> str:
    from gov_services.models import ServiceItem

    word = text.strip()
    lowered = word.lower()
    by_label = {label: value for value, label in LEVEL_LABELS.items()}
    if word in by_label:
        return by_label[word]
    if lowered in LEVEL_LABELS:
        return lowered
    if word in LEVEL_ALIASES:
        return LEVEL_ALIASES[word]
    for value, label in ServiceItem.Level.choices:
        if word == str(label) or lowered == str(label).lower():
            return value
    raise ValidationError(_("Unknown accepting level “%(value)s”; use one of %(choices)s.")
                          % {"value": text, "choices": "、".join(LEVEL_LABELS.values())})


_MATERIAL_SEPARATOR = re.compile(r"(?<!\\)[;；\n]")
_PART_SEPARATOR = re.compile(r"(?<!\\)[:：]")
_OPTIONAL_SUFFIX = re.compile(r"\s*[(（]\s*(可选|选填|optional)\s*[)）]\s*$", re.IGNORECASE)


def _unescape(text: str) -> str:
    return re.sub(r"\\([;；:：\\])", r"\1", text).strip()


def _escape(text: str) -> str:
    return re.sub(r"([;；:：\\])", r"\\\1", text)


def parse_materials(text: str) -> list[dict]:
    """"身份证:原件;照片:扫描件:可选" → [{"name", "form", "required", "note"}, …] in order."""
    materials, problems, seen = [], [], set()
    for chunk in _MATERIAL_SEPARATOR.split(text.replace("\r\n", "\n")):
        if not chunk.strip():
            continue
        parts = [_unescape(p) for p in _PART_SEPARATOR.split(chunk.strip())]
        name, form_word = parts[0], (parts[1] if len(parts) > 1 else "")
        required = True
        for index, part in ((0, name), (1, form_word)):
            if _OPTIONAL_SUFFIX.search(part):
                required = False
                if index == 0:
                    name = _OPTIONAL_SUFFIX.sub("", part)
                else:
                    form_word = _OPTIONAL_SUFFIX.sub("", part)
        if len(parts) > 4:
            problems.append(_("“%(chunk)s” has too many parts; write name:form:可选:note.")
                            % {"chunk": chunk.strip()})
            continue
        if not name:
            problems.append(_("A material has no name (“%(chunk)s”).") % {"chunk": chunk.strip()})
            continue
        form = _material_form(form_word)
        if form is None:
            problems.append(_("Material “%(name)s”: unknown form “%(form)s”; use 原件, 复印件 or 扫描件.")
                            % {"name": name, "form": form_word})
            continue
        if len(parts) > 2 and parts[2]:
            flag = parts[2].strip().lower()
            if flag in OPTIONAL_WORDS:
                required = False
            elif flag not in REQUIRED_WORDS:
                problems.append(_("Material “%(name)s”: “%(flag)s” should be 必需 or 可选.")
                                % {"name": name, "flag": parts[2]})
                continue
        if (name, form) in seen:
            problems.append(_("Material “%(name)s” (%(form)s) is listed twice.")
                            % {"name": name, "form": FORM_LABELS[form]})
            continue
        seen.add((name, form))
        materials.append({"name": name, "form": form, "required": required,
                          "note": parts[3] if len(parts) > 3 else ""})
    if problems:
        raise ValidationError(problems)
    return materials


def _material_form(word: str) -> str | None:
    word = word.strip()
    if not word:
        return "original"
    by_label = {label: value for value, label in FORM_LABELS.items()}
    return by_label.get(word) or FORM_ALIASES.get(word) or (word.lower() if word.lower() in FORM_LABELS else None)


def format_materials(materials) -> str:
    """The inverse of parse_materials; takes RequiredMaterial rows or dicts."""
    chunks = []
    for material in materials:
        get = material.get if isinstance(material, dict) else lambda key, m=material: getattr(m, key)
        parts = [_escape(get("name")), FORM_LABELS.get(get("form"), get("form"))]
        note = get("note") or ""
        if not get("required") or note:
            parts.append("必需" if get("required") else "可选")
        if note:
            parts.append(_escape(note))
        chunks.append(":".join(parts))
    return ";".join(chunks)


def parse_schema(text: str) -> list:
    if not text.strip():
        return []
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError(_("The e-form is not valid JSON (%(error)s at character %(pos)d).")
                              % {"error": error.msg, "pos": error.pos + 1}) from error
    validate_schema(schema)
    return schema


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
    found = by_code.get(reference.lower())
    if found is not None:
        return found
    named = by_name.get(reference, [])
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        return _("Several departments in this county are called “%(name)s”; use the department code.") \
            % {"name": reference}
    return _("No department with the code or name “%(ref)s” in this county.") % {"ref": reference}


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
