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

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.import_jobs import (
    STEP_SAVING,
    Progress,
    import_job_run,
    import_job_submit,
    import_table_read,
)
from core.models import ImportJob
from core.spreadsheets import ImportReport, Problem
from stations.models import Region, common_region_path
from stations.regions import codes
from stations.regions.import_file import CAPS, Row, parse_rows
from stations.regions.import_plan import (
    CHANGE,
    CREATE,
    MOVE,
    REFUSED,
    RENAME,
    SKIPPED,
    UNCHANGED,
    Planner,
    Step,
)
from stations.regions.services import region_move, region_update
from stations.scope import scope_for
from stations.services import region_add

REGION_IMPORT = "stations.regions"


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


def _report(rows: list[Row], steps: list[Step], *, problems: list[Problem], ignored: list[str],
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


def _absent(steps: list[Step], actor: User | None) -> int:
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
    table, unreadable = import_table_read(file, filename, caps=CAPS, progress=progress)
    if table is None:
        return RegionImportReport(problems=unreadable)
    rows, problems, ignored = parse_rows(table)
    if not rows and not problems:
        problems = [Problem(None, "", _("The file has a header but no region rows."))]
    if any(problem.line == 1 for problem in problems) or not rows:
        return RegionImportReport(rows=len(table.rows), problems=problems, ignored_columns=ignored)
    return _report(rows, Planner(rows, actor).steps(), problems=problems, ignored=ignored, actor=actor)


def region_import_apply(*, rows: list[Row], digest: str, actor: User | None,
                        progress: Progress | None = None) -> RegionImportReport:
    """Check `rows` again and, when the outcome is the one checked (`digest`) and nothing is refused, write
    every change in one transaction. Otherwise nothing is written: the report says why, or is a new check."""
    report = RegionImportReport(rows=len(rows))
    try:
        with transaction.atomic():
            steps = Planner(rows, actor).steps()
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


def _apply(steps: list[Step], actor: User | None) -> None:
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


def _parent(step: Step, created: dict[str, int]) -> Region | None:
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
