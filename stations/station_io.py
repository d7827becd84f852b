"""Stations as a spreadsheet: the columns of a station import and what their cells mean.

One row per station, matched by its code. The header row (line 1) names the columns in Chinese;
English aliases are accepted too; order does not matter and unknown columns are ignored (and
reported). demo/data/stations.csv is an example.

| column | content |
| --- | --- |
| 服务站编码 code | required, unique; rows create or update the station with this code |
| 服务站名称 name | required |
| 所在村 village | required: the village's or community's division code (12 digits), or its exact name when no other village in your region has it |
| 地址 address | required |
| 等级 tier | 旗舰站 / 标准站 / 基础站 (or flagship / standard / basic; 旗舰 / 标准 / 基础); empty: 标准站 |
| 状态 status | for a new station: 规划中 / 建设中 / 运营中 / 暂停服务 (or planned / building / open / suspended); empty: 规划中. An existing station's status is changed on its page, not by import |
| 服务项目 services | the services offered, separated by ";" or "、": 政务代办;商城自提;生活缴费 … (or gov_errands …) |
| 开放时间 opening hours / 电话 phone | as residents should read them |
| 纬度 latitude / 经度 longitude | decimal degrees (39.4256, 118.9124); both or neither; inside the county (the box of its township outlines, once every township is outlined; before that, inside China) |
| 开业日期 opened on | YYYY-MM-DD |

When an optional column is absent, an existing station keeps its value; when present, an empty cell
means empty (or the default). No ORM here: the service (stations/station_import.py) looks rows up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.spreadsheets import Caps, Column, HeaderMap, Problem, Table, code_text, map_headers, named_one

REQUIRED = ("code", "name", "village", "address")
COLUMNS = [Column(key, header, aliases, required=key in REQUIRED) for key, header, aliases in [
    ("code", "服务站编码", ("编码", "站点编码", "code", "station code", "station_code")),
    ("name", "服务站名称", ("名称", "站点名称", "name", "station name")),
    ("village", "所在村", ("村", "村社区", "所在村(社区)", "村代码", "村社区代码", "区划代码", "village",
                        "village code", "village_code")),
    ("address", "地址", ("详细地址", "address")),
    ("tier", "等级", ("站点等级", "类型", "tier")),
    ("status", "状态", ("建设状态", "status")),
    ("services", "服务项目", ("服务", "服务内容", "services")),
    ("opening_hours", "开放时间", ("营业时间", "服务时间", "opening hours", "opening_hours", "hours")),
    ("phone", "电话", ("联系电话", "phone")),
    ("latitude", "纬度", ("latitude", "lat")),
    ("longitude", "经度", ("longitude", "lng", "lon")),
    ("opened_on", "开业日期", ("开业时间", "opened on", "opened_on")),
]]
CAPS = Caps(max_bytes=5 * 2**20, max_rows=5000, max_columns=30, max_cell_chars=500)

# The file format is Chinese whatever the screen's language.
TIER_LABELS = {"flagship": "旗舰站", "standard": "标准站", "basic": "基础站"}
STATUS_LABELS = {"planned": "规划中", "building": "建设中", "open": "运营中", "suspended": "暂停服务",
                 "closed": "已关闭"}
NEW_STATION_STATUSES = ("planned", "building", "open", "suspended")
SERVICE_LABELS = {
    "gov_errands": "政务代办", "shop_pickup": "商城自提", "bill_payment": "生活缴费", "mobile_topup": "话费充值",
    "insurance": "保险代理", "cash": "小额存取款", "parcels": "快递代收", "elder_care": "助老助残服务",
}
_SEPARATORS = re.compile(r"[;；、,，\n]")


@dataclass
class StationRow:
    line: int
    values: dict  # Station field → value, for the columns present in the file
    village_ref: str = ""
    services: list[str] | None = None  # None when the file has no services column
    status: str | None = None  # None when the file has no status column
    problems: list[Problem] = field(default_factory=list)


def _choice(text: str, labels: dict[str, str], what: str) -> str:
    word = text.strip()
    by_label = {label: value for value, label in labels.items()}
    by_short = {label.removesuffix("站").removesuffix("型"): value for value, label in labels.items()}
    for table in (by_label, by_short):
        if word in table:
            return table[word]
    if word.lower() in labels:
        return word.lower()
    raise ValidationError(_("Unknown %(what)s “%(value)s”; use one of %(choices)s.")
                          % {"what": what, "value": text, "choices": "、".join(labels.values())})


def parse_tier(text: str) -> str:
    return _choice(text, TIER_LABELS, _("tier")) if text.strip() else "standard"


def parse_status(text: str) -> str:
    return _choice(text, STATUS_LABELS, _("status")) if text.strip() else "planned"


def parse_services(text: str) -> list[str]:
    kinds, problems = [], []
    for word in (w.strip() for w in _SEPARATORS.split(text)):
        if not word:
            continue
        try:
            kind = _choice(word, SERVICE_LABELS, _("service"))
        except ValidationError as error:
            problems += error.messages
            continue
        if kind not in kinds:
            kinds.append(kind)
    if problems:
        raise ValidationError(problems)
    return kinds


def format_services(kinds) -> str:
    return ";".join(SERVICE_LABELS.get(kind, kind) for kind in kinds)


def parse_degrees(text: str) -> Decimal | None:
    value = text.strip()
    if not value:
        return None
    try:
        degrees = Decimal(value)
    except InvalidOperation:
        raise ValidationError(_("“%(value)s” is not a number of degrees, e.g. 39.4256.") % {"value": text}) from None
    if not degrees.is_finite() or degrees.as_tuple().exponent < -6:
        raise ValidationError(_("“%(value)s” has more than six decimal places.") % {"value": text})
    return degrees


def parse_date(text: str) -> date | None:
    value = text.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value.replace("/", "-")[:10])
    except ValueError:
        raise ValidationError(_("“%(value)s” is not a date written as YYYY-MM-DD.") % {"value": text}) from None


CELL_PARSERS = {
    "code": code_text, "name": str.strip, "address": str.strip, "tier": parse_tier,
    "opening_hours": str.strip, "phone": str.strip, "latitude": parse_degrees, "longitude": parse_degrees,
    "opened_on": parse_date,
}


def parse_rows(table: Table) -> tuple[list[StationRow], list[Problem], HeaderMap]:
    """Every row's cells checked (no lookups yet); the file's own problems (headers) apart."""
    columns = map_headers(table.headers, COLUMNS)
    if columns.problems:
        return [], list(columns.problems), columns
    rows, first_line_of_code = [], {}
    for line, cells in table.rows:
        row = StationRow(line=line, values={}, village_ref=columns.cell(cells, "village").strip())
        for key, parser in CELL_PARSERS.items():
            if not columns.has(key):
                continue
            try:
                row.values[key] = parser(columns.cell(cells, key))
            except ValidationError as error:
                row.problems += [Problem(line, columns.label(key), m) for m in error.messages]
        for key in ("services", "status"):
            if columns.has(key):
                try:
                    parsed = (parse_services if key == "services" else parse_status)(columns.cell(cells, key))
                except ValidationError as error:
                    row.problems += [Problem(line, columns.label(key), m) for m in error.messages]
                else:
                    setattr(row, key, parsed)
        for key in ("code", "name", "address"):
            if key in row.values and not row.values[key]:
                row.problems.append(Problem(line, columns.label(key), _("This cell may not be empty.")))
                row.values.pop(key)
        if not row.village_ref:
            row.problems.append(Problem(line, columns.label("village"), _("This cell may not be empty.")))
        code = row.values.get("code")
        if code and code in first_line_of_code:
            row.problems.append(Problem(line, columns.label("code"), _("Station code “%(code)s” already appears "
                                                                       "on line %(line)d.")
                                        % {"code": code, "line": first_line_of_code[code]}))
        elif code:
            first_line_of_code[code] = line
        rows.append(row)
    return rows, [], columns


def village_lookup(reference: str, by_code: dict, by_name: dict):
    """The village a cell names among those in the importer's region, or a message saying why none."""
    return named_one(reference, by_code, by_name,
                     several=_("Several villages in your region are called “%(name)s”; use the division code."),
                     missing=_("No village or community with the code or name “%(ref)s” in your region."))
