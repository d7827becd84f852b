"""Importing stations from a CSV/XLSX file (stations/station_io.py says what its columns mean).

A file is previewed first (a dry run: what it would create, change and refuse, row by row), then
applied (core/import_jobs.py). Either way every row is checked; one bad row and nothing is written.
Rows go through the same services as the screens (station_create, station_update), so scope,
validation and the audit trail are theirs; re-importing the same file changes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_event_record
from core.import_jobs import (
    STEP_SAVING,
    Progress,
    import_job_apply,
    import_job_is_preview,
    import_job_preview_submit,
    import_job_run,
    import_table_read,
)
from core.models import ImportJob
from core.spreadsheets import ImportReport, Problem
from stations import geo, station_io
from stations.models import Region, Station
from stations.scope import scope_for
from stations.selectors import setup_village_list
from stations.selectors_map import county_of, position_area
from stations.services import STATION_EDITABLE, station_create, station_update

STATION_IMPORT = "stations.stations"


def station_import_preview(*, user: User, upload, idempotency_key: uuid.UUID) -> ImportJob:
    from stations.tasks.station_imports import station_import_job

    return import_job_preview_submit(user=user, kind=STATION_IMPORT, params={}, upload=upload,
                                     idempotency_key=idempotency_key, enqueue=station_import_job.delay)


def station_import_apply(*, user: User, preview_id: int, idempotency_key: uuid.UUID) -> ImportJob:
    from stations.tasks.station_imports import station_import_job

    return import_job_apply(user=user, preview_job_id=preview_id, kind=STATION_IMPORT,
                            idempotency_key=idempotency_key, enqueue=station_import_job.delay)


def station_import_job_run(*, job_id: int) -> ImportJob | None:
    def run(job: ImportJob, file, progress: Progress) -> ImportReport:
        return station_import(file=file, filename=job.filename, actor=job.user, progress=progress,
                              dry_run=import_job_is_preview(job))

    return import_job_run(job_id=job_id, run=run)


@dataclass
class _Plan:
    line: int
    row: station_io.StationRow
    village: Region
    station: Station | None  # None: a new station
    changes: dict


def station_import(*, file, filename: str, actor: User, dry_run: bool,
                   progress: Progress | None = None) -> ImportReport:
    """Check every row of a station file against the actor's region; unless `dry_run`, write them all in one
    transaction. The report lists, row by row, what is (or would be) created and changed, or every problem."""
    table, unreadable = import_table_read(file, filename, caps=station_io.CAPS, progress=progress)
    if table is None:
        return ImportReport(problems=unreadable)
    rows, problems, columns = station_io.parse_rows(table)
    report = ImportReport(rows=len(table.rows), ignored_columns=columns.ignored)
    if problems or not rows:
        return report.refuse(problems or [Problem(None, "", _("The file has a header but no station rows."))])
    plans, problems = _plan(rows, columns, actor=actor)
    if problems:
        return report.refuse(problems)
    for plan in plans:
        label = f"{plan.row.values['code']} {plan.row.values.get('name') or plan.station.name}"
        if plan.station is None:
            report.created_codes.append(_("Line %(line)d: %(station)s") % {"line": plan.line, "station": label})
        elif plan.changes:
            report.updated_codes.append(_("Line %(line)d: %(station)s (%(fields)s)") % {
                "line": plan.line, "station": label, "fields": "、".join(plan.changes)})
    report.created = sum(p.station is None for p in plans)
    report.updated = sum(bool(p.station and p.changes) for p in plans)
    report.unchanged = len(plans) - report.created - report.updated
    if dry_run or not (report.created or report.updated):
        return report
    if progress is not None:
        progress(80, STEP_SAVING)
    try:
        _write(plans, actor=actor, filename=filename, report=report)
    except (ValidationError, PermissionDenied) as error:  # the region or a station changed since the check
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        return report.refuse([Problem(None, "", m) for m in messages])
    return report


def _villages(actor: User) -> tuple[dict, dict]:
    villages = setup_village_list(user=actor)
    by_code, by_name = {}, {}
    for village in villages:
        by_code[village.code] = village
        by_name.setdefault(village.name, []).append(village)
    return by_code, by_name


def _plan(rows, columns, *, actor: User) -> tuple[list[_Plan], list[Problem]]:
    by_code, by_name = _villages(actor)
    codes = [row.values["code"] for row in rows if row.values.get("code")]
    existing = {s.code: s for s in Station.objects.filter(code__in=codes).select_related("village")
                .prefetch_related("services")}
    scope = scope_for(actor)
    plans, problems, areas = [], [], {}
    for row in rows:
        problems += row.problems
        village = station_io.village_lookup(row.village_ref, by_code, by_name) if row.village_ref else None
        if isinstance(village, str):
            problems.append(Problem(row.line, columns.label("village"), village))
        station = existing.get(row.values.get("code"))
        if station is not None and not scope.covers(station.village.path):
            problems.append(Problem(row.line, columns.label("code"), _(
                "Station code “%(code)s” belongs to a station outside your region.") % {"code": station.code}))
            continue
        if row.problems or not isinstance(village, Region):
            continue
        row_problems = _row_problems(row, columns, village, station, areas)
        if row_problems:
            problems += row_problems
            continue
        plans.append(_Plan(row.line, row, village, station, _changes(row, village, station)))
    return plans, problems


def _row_problems(row, columns, village: Region, station: Station | None, areas: dict) -> list[Problem]:
    values = row.values
    if station is not None and row.status is not None and row.status != station.status:
        return [Problem(row.line, columns.label("status"), _(
            "%(station)s is %(current)s; change an existing station's status on its page (with a reason), "
            "not by import.") % {"station": station.name, "current": station.get_status_display()})]
    if station is None and row.status not in (None, *station_io.NEW_STATION_STATUSES):
        return [Problem(row.line, columns.label("status"), _("A new station cannot start closed."))]
    candidate = Station(**{**_current(station), **values, "village": village,
                           "status": station.status if station else (row.status or Station.Status.PLANNED)})
    if station is not None:  # checked as the row it would update, not as a second station with its id and code
        candidate.pk, candidate._state.adding = station.pk, False
    try:
        candidate.full_clean()
    except ValidationError as error:
        return _problems(row, columns, error.message_dict)
    position = (candidate.latitude, candidate.longitude)
    if None in position or (station is not None and position == (station.latitude, station.longitude)
                            and village == station.village):
        return []  # no position, or the one saved already (perhaps before the outlines were)
    county = village.path[: Region.steplen * 2]
    if county not in areas:
        areas[county] = position_area(county=county_of(village))
    return _problems(row, columns, geo.position_problems(*position, areas[county]))


def _problems(row, columns, by_field: dict[str, list[str]]) -> list[Problem]:
    known = dict(_field_columns())
    return [Problem(row.line, columns.label(name) if name in known else "", message)
            for name, messages in by_field.items() for message in messages]


def _field_columns():
    return [(c.key, c.header) for c in station_io.COLUMNS]


def _current(station: Station | None) -> dict:
    if station is None:
        return {}
    return {"code": station.code, **{name: getattr(station, name) for name in STATION_EDITABLE}}


def _changes(row, village: Region, station: Station | None) -> dict:
    """Column header → (before, after) for an existing station; {} for a new one."""
    if station is None:
        return {}
    headers = dict(_field_columns())
    changes = {}
    for name, value in {**row.values, "village": village}.items():
        if name in STATION_EDITABLE and getattr(station, name) != value:
            changes[headers[name]] = True
    if row.services is not None and {s.kind for s in station.services.all()} != set(row.services):
        changes[headers["services"]] = True
    return changes


@transaction.atomic
def _write(plans: list[_Plan], *, actor: User, filename: str, report: ImportReport) -> None:
    for plan in plans:
        values = {k: v for k, v in plan.row.values.items() if k != "code"}
        if plan.station is None:
            station_create(actor=actor, code=plan.row.values["code"], village=plan.village,
                           status=plan.row.status or Station.Status.PLANNED, services=plan.row.services or [],
                           **values)
        elif plan.changes:
            station_update(station=plan.station, actor=actor, services=plan.row.services,
                           **{**{k: v for k, v in values.items() if k in STATION_EDITABLE}, "village": plan.village})
    region = scope_for(actor).admin_region
    audit_event_record(actor=actor, action="stations.imported", target=region or actor,
                       data={"file": filename[:200], "rows": report.rows, "created": report.created,
                             "updated": report.updated, "unchanged": report.unchanged})
