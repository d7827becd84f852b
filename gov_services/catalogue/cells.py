"""The cells of the service catalogue's spreadsheet (gov_services/catalogue/spreadsheets.py describes the
file): what each kind of cell may say — days, a fee, 是/否, a category, a level, the materials, the e-form —
read into a value, and written back for the export. Text in, value out, ValidationError with a message for
the user. No ORM.
"""

from __future__ import annotations

import json
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.money import parse_yuan
from gov_services.catalogue.eforms import validate_schema

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
    from gov_services.catalogue.models import ServiceItem  # choices only; no query

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
    from gov_services.catalogue.models import ServiceItem

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
