"""The file of official division codes both ways: its columns, reading its rows (each cell checked), and
the export in the same format (importing it back changes nothing). The columns: stations/regions/importer.py."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.spreadsheets import Caps, Column, Problem, Sheet, Table, code_text, map_headers, write_sheets
from stations.models import Region
from stations.regions import codes

CAPS = Caps(max_rows=5000, max_columns=20, max_cell_chars=200)
COLUMNS = (
    Column("code", "区划代码", aliases=("统计用区划代码", "行政区划代码", "代码", "division code"), required=True),
    Column("name", "名称", aliases=("区划名称", "单位名称", "name"), required=True),
    Column("parent", "上级代码", aliases=("上级区划代码", "父级代码", "parent code", "parent"), required=False),
    Column("level", "层级", aliases=("级别", "level"), required=False),
    Column("latitude", "纬度", aliases=("latitude", "lat"), required=False),
    Column("longitude", "经度", aliases=("longitude", "lng", "lon"), required=False),
)
EXPORT_FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Row:
    """A row as read: the code and parent code canonical, the level as written (None: from the code)."""

    line: int
    code: str
    name: str
    parent: str | None
    level: str | None
    latitude: Decimal | None = None
    longitude: Decimal | None = None

    @property
    def tier(self) -> str:
        return codes.structural_level(self.code)

    def kept(self) -> list:
        return [self.line, self.code, self.name, self.parent, self.level, _text(self.latitude), _text(self.longitude)]

    @classmethod
    def from_kept(cls, values: list) -> Row:
        line, code, name, parent, level, latitude, longitude = values
        return cls(line, code, name, parent, level, Decimal(latitude) if latitude else None,
                   Decimal(longitude) if longitude else None)


def _text(value) -> str:
    return "" if value is None else str(value)


def parse_rows(table: Table) -> tuple[list[Row], list[Problem], list[str]]:
    """The file's rows, every problem with its line and column, and the columns it did not know."""
    columns = map_headers(table.headers, COLUMNS)
    if columns.problems:
        return [], columns.problems, columns.ignored
    rows, problems, seen = [], [], {}
    for line, cells in table.rows:
        row, row_problems = _parse_row(line, cells, columns)
        problems += row_problems
        if row is None:
            continue
        if row.code in seen:
            problems.append(Problem(line, columns.label("code"), _("Code %(code)s is on line %(line)d already.")
                                    % {"code": row.code, "line": seen[row.code]}))
            continue
        seen[row.code] = line
        rows.append(row)
    return rows, problems, columns.ignored


def _parse_row(line: int, cells, columns) -> tuple[Row | None, list[Problem]]:
    problems = []

    def value(key, parse):
        try:
            return parse(columns.cell(cells, key).strip())
        except ValidationError as error:
            problems.extend(Problem(line, columns.label(key), message) for message in error.messages)
            return None

    code = value("code", _code)
    name = value("name", _region_name)
    parent = value("parent", lambda text: codes.canonical(code_text(text)) if text else None)
    level = value("level", codes.parse_level)
    latitude = value("latitude", lambda text: _degrees(text, 90))
    longitude = value("longitude", lambda text: _degrees(text, 180))
    if problems:
        return None, problems
    tier = codes.structural_level(code)
    expected = codes.structural_parent(code)
    if parent is not None and parent != expected:
        problems.append(Problem(line, columns.label("parent"), _(
            "The region above %(code)s is %(expected)s by its code, not %(parent)s; a region that moved has a "
            "new code.") % {"code": code, "expected": expected, "parent": parent}))
    if level is not None and not codes.same_tier(level, tier):
        problems.append(Problem(line, columns.label("level"), _("Code %(code)s is a %(tier)s's, not a %(level)s's.")
                                % {"code": code, "tier": level_label(tier), "level": level_label(level)}))
    if (latitude is None) != (longitude is None):
        problems.append(Problem(line, columns.label("latitude"), _("Give both latitude and longitude, or neither.")))
    if problems:
        return None, problems
    return Row(line, code, name, expected, level, latitude, longitude), []


def _code(text: str) -> str:
    if not text:
        raise ValidationError(_("The code is empty."))
    code = codes.canonical(code_text(text))
    codes.structural_level(code)  # refuses a code that names no region
    return code


def _region_name(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise ValidationError(_("The name is empty."))
    if len(name) > Region._meta.get_field("name").max_length:
        raise ValidationError(_("The name is longer than %(max)d characters.")
                              % {"max": Region._meta.get_field("name").max_length})
    return name


def _degrees(text: str, limit: int) -> Decimal | None:
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) > limit or -number.as_tuple().exponent > 6:
        raise ValidationError(_("“%(value)s” is not a position in degrees (at most six decimals, up to %(limit)d).")
                              % {"value": text, "limit": limit})
    return number


def level_label(level: str) -> str:
    return _("province") if level == codes.PROVINCE else str(Region.Level(level).label)


def region_export(*, roots: list[Region], fmt: str) -> bytes:
    """The regions under `roots`, with the regions above them, in the import's format: importing the file
    back changes nothing."""
    paths = {root.path[:end] for root in roots for end in range(Region.steplen, len(root.path) + 1, Region.steplen)}
    regions = Region.objects.filter(path__in=paths)
    for root in roots:
        regions = regions | Region.objects.filter(path__startswith=root.path)
    regions = list(regions.order_by("path"))
    code_by_path = {region.path: codes.canonical(region.code) for region in regions}
    rows = []
    for region in regions:
        code = code_by_path[region.path]
        parent = code_by_path.get(region.path[:-Region.steplen]) or codes.structural_parent(code) or ""
        rows.append([code, region.name, parent, codes.level_word(region.level), region.latitude, region.longitude])
    sheet = Sheet(title=_("Regions"), headers=[column.header for column in COLUMNS], rows=rows,
                  widths=(16, 20, 16, 8, 12, 12))
    return write_sheets(sheet, fmt)
