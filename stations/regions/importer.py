"""Importing the administrative tree from a file of official division codes: check first, then apply.

One row per region, the header row (line 1) in Chinese or English, in any order:

| column | content |
| --- | --- |
| 区划代码 code | required: the 12-digit 统计用区划代码 (6 or 9 digits: the same code without its trailing zeros) |
| 名称 name | required |
| 上级代码 parent code | the code of the region above; empty: taken from the code (its last non-zero group zeroed) |
| 层级 level | 市 / 县 / 乡镇 / 村 / 社区 (or city … community); empty: taken from the code — at village level 001–199 is a community (居委会), the rest a village |
| 纬度 / 经度 latitude, longitude | optional, decimal degrees |

The tree starts at the city: a province row is read and left out. A row is matched to a region by its
code. **Checking** (`region_import_check`) writes nothing and says, row by row, what applying would do —
create, rename, move, change the level or position, nothing — or why the row is refused (a bad cell, a
parent that is neither in the file nor in the tree, a region outside the user's, a code merged away).
**Applying** (`region_import_apply`) takes the rows as checked, checks them again against the tree as it
is now and, when nothing is refused, writes every change in one transaction. If the tree changed since
the check so that the outcome differs, nothing is written and the report is a new check. Importing the
same file again finds nothing to change. Regions the file does not name are left as they are (a village
is retired by merging it).

Both run as background jobs (core/import_jobs.py); `region_import` does both at once for the system
(the demo seed).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from accounts.models import User
from core.import_jobs import (
    STEP_CHECKING,
    STEP_SAVING,
    Progress,
    import_job_run,
    import_job_submit,
    reading_progress,
)
from core.models import ImportJob
from core.spreadsheets import (
    Caps,
    Column,
    ImportReport,
    Problem,
    Sheet,
    SpreadsheetError,
    Table,
    code_text,
    map_headers,
    read_table,
    write_sheets,
)
from stations.models import Region, common_region_path
from stations.regions import codes
from stations.regions.selectors import merged_away
from stations.regions.services import region_move, region_update
from stations.scope import can_add_region, can_change_region, can_place_region, scope_for
from stations.services import region_add

REGION_IMPORT = "stations.regions"
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

# What a row does, as the report writes it.
CREATE, CHANGE, UNCHANGED, SKIPPED, REFUSED = "create", "change", "unchanged", "skipped", "refused"
RENAME, MOVE, RELEVEL, LOCATE = "rename", "move", "level", "position"


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


@dataclass
class RegionImportReport(ImportReport):
    """ImportReport with the outcome of every row (`entries`: line, code, name, outcome, kinds, detail),
    the rows as checked (`kept`, what applying takes), the digest of the outcome, and whether it was
    applied (`applied`) or is a check made again because the tree had changed (`stale`)."""

    entries: list[dict] = field(default_factory=list)
    kept: list[list] = field(default_factory=list)
    digest: str = ""
    applied: bool = False
    stale: bool = False
    absent: int = 0  # regions under the user's that the file does not name (left as they are)

    def as_dict(self) -> dict:
        return {**super().as_dict(), "entries": self.entries, "kept": self.kept, "digest": self.digest,
                "applied": self.applied, "stale": self.stale, "absent": self.absent}

    def _count(self, kind: str) -> int:
        return sum(kind in entry["kinds"] for entry in self.entries)

    @property
    def renamed(self) -> int:
        return self._count(RENAME)

    @property
    def moved(self) -> int:
        return self._count(MOVE)

    @property
    def changes(self) -> list[dict]:
        return [entry for entry in self.entries if entry["outcome"] in (CREATE, CHANGE, REFUSED)]

    @property
    def quiet(self) -> list[dict]:
        return [entry for entry in self.entries if entry["outcome"] in (UNCHANGED, SKIPPED)]

    @property
    def can_apply(self) -> bool:
        return self.ok and not self.applied and bool(self.created or self.updated)


# --- reading ------------------------------------------------------------------------------------------------

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
                                % {"code": code, "tier": _level_label(tier), "level": _level_label(level)}))
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


def _level_label(level: str) -> str:
    return _("province") if level == codes.PROVINCE else str(Region.Level(level).label)


# --- planning -----------------------------------------------------------------------------------------------

@dataclass
class _Step:
    row: Row
    outcome: str
    region: Region | None = None        # the region the row names, when it exists
    parent: Region | None = None        # an existing parent; None with parent_code: one the file creates
    parent_code: str | None = None      # None: the top of the tree
    level: str | None = None
    fields: dict = field(default_factory=dict)  # the fields that change
    kinds: list[str] = field(default_factory=list)
    detail: str = ""

    def entry(self) -> dict:
        return {"line": self.row.line, "code": self.row.code, "name": self.row.name, "outcome": self.outcome,
                "kinds": self.kinds, "detail": self.detail}


class _Planner:
    """What applying `rows` would do to the tree as it is now, for `actor` (None: the system)."""

    def __init__(self, rows: list[Row], actor: User | None):
        self.rows, self.actor = rows, actor
        self.scope = scope_for(actor) if actor is not None else None
        wanted = {row.code for row in rows} | {row.parent for row in rows if row.parent}
        self.by_code, self.twins = _regions_by_code(wanted)
        parent_paths = {r.path[:-Region.steplen] for r in self.by_code.values() if r.depth > 1}
        self.by_path = {r.path: r for r in Region.objects.filter(path__in=parent_paths)}
        self.merged = merged_away(codes=[row.code for row in rows if row.code not in self.by_code])
        self.file = {row.code: row for row in rows}
        self.addable: dict[str, bool] = {}  # codes the file creates → whether the actor may

    def steps(self) -> list[_Step]:
        ordered = sorted(self.rows, key=lambda row: (codes.GROUP_LEVELS.index(row.tier), row.line))
        return sorted((self._step(row) for row in ordered), key=lambda step: step.row.line)

    def _step(self, row: Row) -> _Step:
        if row.tier == codes.PROVINCE:
            return _Step(row, SKIPPED, detail=_("Provinces are not kept: the tree starts at the city."))
        if row.code in self.twins:
            return self._refuse(row, _("The tree holds this code twice (%(names)s); ask the platform's "
                                       "administrator to merge them.") % {"names": "、".join(self.twins[row.code])})
        parent_code = None if row.tier == codes.CITY else row.parent
        parent = self.by_code.get(parent_code) if parent_code else None
        if parent_code and parent is None and parent_code not in self.file:
            return self._refuse(row, _("Its parent %(parent)s is neither in the file nor in the tree; add the "
                                       "parent's row.") % {"parent": parent_code})
        parent_level = parent.level if parent else (self._row_level(self.file[parent_code]) if parent_code else None)
        region = self.by_code.get(row.code)
        if region is not None and not codes.same_tier(region.level, row.tier):
            return self._refuse(row, _("%(name)s is a %(level)s in the tree, but code %(code)s is a %(tier)s's.")
                                % {"name": region.name, "level": region.get_level_display(), "code": row.code,
                                   "tier": _level_label(row.tier)})
        level = region.level if region is not None else self._row_level(row)
        if level not in Region.CHILD_LEVELS[parent_level]:
            return self._refuse(row, _("A %(level)s cannot sit under a %(parent)s: the tree is city › county › "
                                       "township › village or community.")
                                % {"level": _level_label(level), "parent": _level_label(parent_level or codes.PROVINCE)})
        if region is None:
            return self._create(row, parent, parent_code, level)
        return self._change(row, region, parent, parent_code)

    def _row_level(self, row: Row) -> str:
        if row.level is not None:
            return row.level
        return codes.village_level_by_code(row.code) if row.tier == codes.VILLAGE else row.tier

    def _refuse(self, row: Row, reason: str) -> _Step:
        return _Step(row, REFUSED, detail=reason)

    def _outside(self, row: Row) -> _Step:
        regions = self.scope.regions if self.scope else ()
        return self._refuse(row, _("%(name)s: only the regions under %(regions)s are yours to add or change.")
                            % {"name": row.name, "regions": "、".join(post.region.name for post in regions) or "—"})

    def _create(self, row: Row, parent: Region | None, parent_code: str | None, level: str) -> _Step:
        if row.code in self.merged:
            event = self.merged[row.code]
            return self._refuse(row, _("%(name)s was merged into %(into)s on %(date)s: its code is not used again. "
                                       "Delete the row, or add the village by hand.")
                                % {"name": event.data.get("name"), "into": event.data.get("into_name"),
                                   "date": formats.date_format(event.at, "DATE_FORMAT")})
        if parent is not None or parent_code is None:
            allowed = self.actor is None or can_add_region(self.actor, parent)
        elif parent_code not in self.addable:
            return self._refuse(row, _("Its parent's row (line %(line)d) is refused.")
                                % {"line": self.file[parent_code].line})
        else:
            allowed = self.addable[parent_code]
        self.addable[row.code] = allowed
        if not allowed:
            return self._outside(row)
        under = parent.name if parent else (self.file[parent_code].name if parent_code else "")
        detail = _("New %(level)s under %(parent)s") % {"level": _level_label(level), "parent": under} if under \
            else _("New %(level)s at the top of the tree") % {"level": _level_label(level)}
        return _Step(row, CREATE, parent=parent, parent_code=parent_code, level=level, kinds=[CREATE], detail=detail)

    def _change(self, row: Row, region: Region, parent: Region | None, parent_code: str | None) -> _Step:
        if self.scope is not None and not self.scope.sees_region_path(region.path):
            return self._outside(row)
        step = _Step(row, CHANGE, region=region, parent=parent, parent_code=parent_code)
        notes = []
        if region.name != row.name:
            step.fields["name"] = row.name
            step.kinds.append(RENAME)
            notes.append(_("Renamed from %(old)s") % {"old": region.name})
        if row.level is not None and row.level != region.level:
            step.fields["level"] = row.level
            step.kinds.append(RELEVEL)
            notes.append(_("%(old)s becomes %(new)s") % {"old": region.get_level_display(),
                                                         "new": _level_label(row.level)})
        if row.latitude is not None and (row.latitude, row.longitude) != (region.latitude, region.longitude):
            step.fields.update(latitude=row.latitude, longitude=row.longitude)
            step.kinds.append(LOCATE)
            notes.append(_("New position %(lat)s, %(lng)s") % {"lat": row.latitude, "lng": row.longitude})
        current = self.by_path.get(region.path[:-Region.steplen]) if region.depth > 1 else None
        if (current.pk if current else None) != (parent.pk if parent else None) or (parent is None and parent_code):
            step.kinds.append(MOVE)
            notes.append(_("Moved from %(old)s to %(new)s") % {
                "old": current.name if current else "—",
                "new": parent.name if parent else self.file[parent_code].name})
        if not step.kinds:
            return _Step(row, UNCHANGED, region=region)
        if not self._may_change(region, step):
            return self._outside(row)
        step.detail = "; ".join(notes)
        return step

    def _may_change(self, region: Region, step: _Step) -> bool:
        if self.actor is None:
            return True
        if step.kinds == [LOCATE]:
            return can_place_region(self.actor, region)
        if not can_change_region(self.actor, region):
            return False
        if MOVE in step.kinds:
            return can_add_region(self.actor, step.parent) if step.parent else self.addable.get(step.parent_code, False)
        return True


def _regions_by_code(wanted: set[str]) -> tuple[dict[str, Region], dict[str, list[str]]]:
    """Regions by canonical code (a code may be stored without its trailing zeros), and the codes the tree
    holds twice in different forms."""
    forms = sorted({form for code in wanted for form in codes.short_forms(code)})
    by_code, twins = {}, {}
    for start in range(0, len(forms), 500):
        for region in Region.objects.filter(code__in=forms[start:start + 500]):
            code = codes.canonical(region.code)
            if code in by_code:
                twins[code] = [by_code[code].name, region.name]
            by_code[code] = region
    return by_code, twins


def _report(rows: list[Row], steps: list[_Step], *, problems: list[Problem], ignored: list[str],
            actor: User | None) -> RegionImportReport:
    report = RegionImportReport(rows=len(rows), ignored_columns=ignored, kept=[row.kept() for row in rows])
    report.entries = [step.entry() for step in steps]
    refused = [Problem(s.row.line, "", s.detail) for s in steps if s.outcome == REFUSED]
    report.created = sum(step.outcome == CREATE for step in steps)
    report.updated = sum(step.outcome == CHANGE for step in steps)
    report.unchanged = sum(step.outcome == UNCHANGED for step in steps)
    report.created_codes = [s.row.code for s in steps if s.outcome == CREATE]
    report.updated_codes = [s.row.code for s in steps if s.outcome == CHANGE]
    report.digest = hashlib.sha256(json.dumps(
        [[s.outcome, s.kinds, s.row.kept()[1:], s.region and s.region.pk, s.parent and s.parent.pk] for s in steps],
        default=str).encode()).hexdigest()
    report.absent = _absent(steps, actor)
    if problems or refused:
        report.refuse(sorted([*problems, *refused], key=lambda p: (p.line or 0)))
    return report


def _absent(steps: list[_Step], actor: User | None) -> int:
    """How many regions under the user's (or under the file's regions, for the system) the file leaves out."""
    named = {step.region.pk for step in steps if step.region is not None}
    if actor is not None and not scope_for(actor).everything:
        roots = [post.path for post in scope_for(actor).regions]
    else:
        roots = [common_region_path(step.region.path for step in steps if step.region is not None)]
    if not any(roots) or not named:
        return 0
    under = Region.objects.none()
    for path in roots:
        under = under | Region.objects.filter(path__startswith=path)
    return under.exclude(pk__in=named).count()


# --- check, apply, both -------------------------------------------------------------------------------------

def region_import_check(*, file, filename: str, actor: User | None,
                        progress: Progress | None = None) -> RegionImportReport:
    """Read the file and say, row by row, what applying it would do. Writes nothing."""
    try:
        table = read_table(file, filename, caps=CAPS, progress=reading_progress(progress))
    except SpreadsheetError as error:
        return RegionImportReport(problems=[Problem(None, "", str(error))])
    if progress is not None:
        progress(60, STEP_CHECKING)
    rows, problems, ignored = parse_rows(table)
    if not rows and not problems:
        problems = [Problem(None, "", _("The file has a header but no region rows."))]
    if any(problem.line == 1 for problem in problems) or not rows:
        return RegionImportReport(rows=len(table.rows), problems=problems, ignored_columns=ignored)
    return _report(rows, _Planner(rows, actor).steps(), problems=problems, ignored=ignored, actor=actor)


def region_import_apply(*, rows: list[Row], digest: str, actor: User | None,
                        progress: Progress | None = None) -> RegionImportReport:
    """Check `rows` again and, when the outcome is the one checked (`digest`) and nothing is refused, write
    every change in one transaction. Otherwise nothing is written: the report says why, or is a new check."""
    report = RegionImportReport(rows=len(rows))
    try:
        with transaction.atomic():
            steps = _Planner(rows, actor).steps()
            report = _report(rows, steps, problems=[], ignored=[], actor=actor)
            if not report.ok:
                return report
            if report.digest != digest:
                report.stale = True
                return report
            if progress is not None:
                progress(70, STEP_SAVING)
            _apply(steps, actor)
    except ValidationError as error:  # a write refused what the check let through: nothing is written
        return report.refuse([Problem(None, "", message) for message in error.messages])
    report.applied = True
    return report


def region_import(*, file, filename: str, actor: User | None) -> RegionImportReport:
    """Check and apply at once (the system: the demo seed, management commands)."""
    checked = region_import_check(file=file, filename=filename, actor=actor)
    if not checked.ok:
        return checked
    return region_import_apply(rows=[Row.from_kept(values) for values in checked.kept], digest=checked.digest,
                               actor=actor)


def _apply(steps: list[_Step], actor: User | None) -> None:
    """Creates and moves top-down (a parent before its children), each on fresh rows: a write may shift the
    paths of the regions after it (the services re-stamp what follows paths)."""
    created: dict[str, int] = {}
    for step in sorted(steps, key=lambda s: (codes.GROUP_LEVELS.index(s.row.tier), s.row.line)):
        if step.outcome not in (CREATE, CHANGE):
            continue
        parent = _parent(step, created)
        if step.outcome == CREATE:
            row = step.row
            region = region_add(parent=parent, name=row.name, code=row.code, level=step.level, actor=actor,
                                latitude=row.latitude, longitude=row.longitude)
            created[row.code] = region.pk
            continue
        if step.fields:
            region_update(region=step.region, actor=actor, **step.fields)
        if MOVE in step.kinds:
            region_move(region=step.region, parent=parent, actor=actor)


def _parent(step: _Step, created: dict[str, int]) -> Region | None:
    if step.parent is not None:
        return Region.objects.get(pk=step.parent.pk)
    if step.parent_code is not None:
        return Region.objects.get(pk=created[step.parent_code])
    return None


# --- background jobs ----------------------------------------------------------------------------------------

def region_import_submit(*, user: User, upload, idempotency_key: uuid.UUID) -> ImportJob:
    """Queue the check of an uploaded file (core/import_jobs.py)."""
    from stations.tasks.regions import region_import_job

    return import_job_submit(user=user, kind=REGION_IMPORT, params={"apply": False}, upload=upload,
                             idempotency_key=idempotency_key, enqueue=region_import_job.delay)


def region_import_apply_submit(*, user: User, checked: ImportJob, idempotency_key: uuid.UUID) -> ImportJob:
    """Queue applying a finished check of the user's: the job's file is the rows as checked, with the digest
    of the outcome they were shown."""
    from stations.tasks.regions import region_import_job

    report = region_import_report(checked)
    if report is None or not report.can_apply:
        raise ValidationError(_("This check has nothing to apply; upload the file again."))
    payload = json.dumps({"rows": report.kept, "digest": report.digest}, ensure_ascii=False).encode()
    return import_job_submit(user=user, kind=REGION_IMPORT, params={"apply": True, "checked": checked.pk},
                             upload=ContentFile(payload, name=checked.filename), idempotency_key=idempotency_key,
                             enqueue=region_import_job.delay)


def region_import_report(job: ImportJob) -> RegionImportReport | None:
    return RegionImportReport.from_dict(job.result) if job.status == ImportJob.Status.DONE else None


def region_import_job_run(*, job_id: int) -> ImportJob | None:
    def run(job: ImportJob, file, progress: Progress) -> RegionImportReport:
        if job.params.get("apply"):
            data = json.loads(file.read())
            return region_import_apply(rows=[Row.from_kept(values) for values in data["rows"]],
                                       digest=data["digest"], actor=job.user, progress=progress)
        return region_import_check(file=file, filename=job.filename, actor=job.user, progress=progress)

    return import_job_run(job_id=job_id, run=run)


# --- export -------------------------------------------------------------------------------------------------

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
