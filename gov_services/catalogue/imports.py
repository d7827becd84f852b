"""Importing a CSV/XLSX file into a county's service catalogue, as a queued job (core/import_jobs.py):
every row checked first with the single-item services' checks (catalogue/services.py), then all rows
written in one transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_event_record
from core.import_jobs import (
    STEP_SAVING,
    Progress,
    import_job_run,
    import_job_submit,
    import_table_read,
)
from core.models import ImportJob
from core.pinyin import pinyin_initials
from core.spreadsheets import ImportReport, Problem
from gov_services.catalogue import spreadsheets
from gov_services.catalogue.models import Department, ServiceItem
from gov_services.catalogue.services import (
    item_changes,
    item_errors,
    item_snapshot,
    material_errors,
    material_plan,
    material_plan_apply,
    parent_errors,
)
from stations.models import Region

FIELD_COLUMN = {
    "code": "code", "name": "name", "department": "department", "category": "category",
    "lowest_level": "lowest_level", "legal_limit_days": "legal_limit_days",
    "promised_limit_days": "promised_limit_days", "fee_fen": "fee", "issues_certificate": "issues_certificate",
    "online_allowed": "online_allowed", "issued_by_village_committee": "issued_by_village_committee",
    "form_schema": "form_schema", "description": "description",
    "materials": "materials", "parent": "parent",
}


@dataclass
class _Planned:
    line: int
    item: ServiceItem
    is_new: bool
    changes: dict
    materials: list[dict] | None
    before: dict | None = None  # the stored values of an existing item


CATALOGUE_IMPORT = "gov_services.catalogue"


def catalogue_import_submit(*, user: User, county: Region, upload, idempotency_key: uuid.UUID) -> ImportJob:
    """Queue the import of an uploaded file into `county`'s catalogue (core/import_jobs.py)."""
    from gov_services.tasks.catalogue import catalogue_import_job

    return import_job_submit(user=user, kind=CATALOGUE_IMPORT, params={"county_id": county.pk}, upload=upload,
                             idempotency_key=idempotency_key, enqueue=catalogue_import_job.delay)


def catalogue_import_job_run(*, job_id: int) -> ImportJob | None:
    def run(job: ImportJob, file, progress: Progress) -> ImportReport:
        county = Region.objects.get(pk=job.params["county_id"])
        return catalogue_import(file=file, filename=job.filename, actor=job.user, county=county, progress=progress)

    return import_job_run(job_id=job_id, run=run)


def catalogue_import(*, file, filename: str, actor: User | None, county: Region,
                     progress: Progress | None = None) -> ImportReport:
    """Create or update (by item code) every row of a CSV/XLSX file in `county`'s catalogue.

    Every row is checked first; one bad row and nothing is imported — the result lists every
    problem with its line and column. Otherwise all rows land in one transaction, with an audit
    event per created or changed item and one for the import (on the county). Unchanged rows are
    not touched, so importing the same file twice writes nothing the second time.
    Queries: one for the county's departments, two for the existing items with their materials,
    then bulk writes and one insert per audit event.
    """
    table, unreadable = import_table_read(file, filename, caps=spreadsheets.CAPS, progress=progress)
    if table is None:
        return ImportReport(problems=unreadable)
    departments = list(Department.objects.filter(region__path__startswith=county.path).order_by("code"))
    rows, problems, columns = spreadsheets.parse_rows(table, departments=departments)
    result = ImportReport(rows=len(table.rows), ignored_columns=columns.ignored)
    if not rows and not problems:
        problems = [Problem(None, "", _("The file has a header but no item rows."))]
    if any(p.line == 1 for p in problems) or not rows:
        result.problems = problems
        return result

    codes = [row.values["code"] for row in rows if row.values.get("code")]
    parent_refs = [row.parent_ref for row in rows if row.parent_ref]
    existing = {
        item.code: item
        for item in ServiceItem.objects.filter(code__in=codes + parent_refs)
        .select_related("department", "department__region", "parent").prefetch_related("materials")
    }
    stored_children = list(ServiceItem.objects.filter(parent__code__in=codes).values_list("code", "parent__code"))
    planned: list[_Planned] = []
    for row in rows:
        row_problems = [p for p in problems if p.line == row.line]
        code = row.values.get("code")
        current = existing.get(code) if code else None
        if current is not None and not current.department.region.path.startswith(county.path):
            problems.append(Problem(row.line, columns.label("code"),
                                          _("Item code “%(code)s” belongs to another county's catalogue.")
                                          % {"code": code}))
            continue
        if row_problems:
            continue  # cell problems already say what is wrong; model checks would repeat them
        plan = _plan_row(row, current)
        errors = item_errors(plan.item, trusted=True)
        if plan.materials is not None and (material_problems := material_errors(plan.materials)):
            errors["materials"] = material_problems
        if errors:
            for name, messages in errors.items():
                column = columns.label(FIELD_COLUMN.get(name, name)) if name in FIELD_COLUMN else ""
                problems += [Problem(row.line, column, m) for m in messages]
            continue
        planned.append(plan)
    problems += _plan_parents(rows, planned, existing, stored_children, county=county, columns=columns)

    if problems:  # in reading order: by line, then by column as the file has them
        position = columns.order()
        return result.refuse(sorted(problems, key=lambda p: (p.line or 0, position.get(p.column, len(position)))))
    if progress is not None:
        progress(80, STEP_SAVING)
    try:
        _import_write(planned, result, actor=actor, county=county, filename=filename)
    except IntegrityError:
        result.refuse([Problem(None, "", _(
            "The catalogue changed while this file was being imported; nothing was imported. Import it again."))])
    return result


def _plan_row(row: spreadsheets.ParsedRow, current: ServiceItem | None) -> _Planned:
    values = dict(row.values)
    if current is None:
        item = ServiceItem(**{"form_schema": [], **values})
        item.pinyin_initials = pinyin_initials(item.name)
        return _Planned(row.line, item, True, {}, row.materials or [])
    before = item_snapshot(current)
    for name, value in values.items():
        setattr(current, name, value)
    current.pinyin_initials = pinyin_initials(current.name)
    return _Planned(row.line, current, False, item_changes(before, item_snapshot(current)), row.materials, before)


def _plan_parents(rows, planned: list[_Planned], existing: dict, stored_children: list[tuple[str, str]], *,
                  county: Region, columns) -> list[Problem]:
    """Set each planned item's parent from the 上级事项编码 column, checking the one-level rule
    against the catalogue as it will be after the import (this file's rows win over what is stored)."""
    file_parent = {row.values["code"]: row.parent_ref for row in rows if row.values.get("code")}
    by_code = {p.item.code: p for p in planned}

    def parent_after(code: str) -> str | None:
        ref = file_parent.get(code)
        if ref is not None:  # the file says (an empty cell: top-level)
            return ref or None
        item = existing.get(code)
        return item.parent.code if item is not None and item.parent_id else None

    has_children = {parent_after(code) for code in file_parent} | {
        parent for child, parent in stored_children if file_parent.get(child) is None}
    problems = []
    rows_by_line = {row.line: row for row in rows}
    for plan in planned:
        ref = rows_by_line[plan.line].parent_ref
        if ref is None:
            continue  # no column: the stored parent stays
        if ref in file_parent and ref not in by_code:
            continue  # the parent's own row is refused; its problems say why
        parent = by_code[ref].item if ref in by_code else existing.get(ref) if ref else None
        if ref and (parent is None or not parent.department.region.path.startswith(county.path)):
            messages = [_("No item with the code “%(code)s” in this file or in this county's catalogue.")
                        % {"code": ref}]
        else:
            messages = parent_errors(plan.item, parent=parent, parent_of_parent=parent_after(ref) if ref else None,
                                     parent_department_id=parent.department_id if parent else None,
                                     has_sub_items=plan.item.code in has_children)
        if messages:
            problems += [Problem(plan.line, columns.label("parent"), m) for m in messages]
            continue
        plan.item.parent = parent
        if not plan.is_new:
            plan.changes = item_changes(plan.before, item_snapshot(plan.item))
    return problems


@transaction.atomic
def _import_write(planned: list[_Planned], result: ImportReport, *, actor, county: Region, filename: str) -> None:
    new = [p for p in planned if p.is_new]
    # A parent new in this file has no key yet: create the items first, then link them.
    new_parents = {p.item.code: p.item.parent for p in planned if p.item.parent and p.item.parent.pk is None}
    for p in new:
        if p.item.code in new_parents:
            p.item.parent = None
    ServiceItem.objects.bulk_create([p.item for p in new])
    linked = []
    for p in planned:
        if p.item.code in new_parents:
            p.item.parent = new_parents[p.item.code]
            if p.is_new:
                linked.append(p.item)
    if linked:
        ServiceItem.objects.bulk_update(linked, ["parent"])
    to_create, to_update_materials, to_delete = [], [], []
    changed: list[tuple[_Planned, dict | None]] = []
    for p in planned:
        if p.is_new:
            to_create += material_plan(p.item, p.materials, [])[0]
            continue
        material_summary = None
        if p.materials is not None:
            create, update, delete = material_plan(p.item, p.materials, list(p.item.materials.all()))
            if create or update or delete:
                to_create += create
                to_update_materials += update
                to_delete += delete
                material_summary = {"added": len(create), "changed": len(update), "removed": len(delete)}
        if p.changes or material_summary:
            changed.append((p, material_summary))
    field_names = sorted({name for p, _m in changed for name in p.changes} | {"pinyin_initials"})
    updated_items = [p.item for p, _m in changed if p.changes]
    if updated_items:
        ServiceItem.objects.bulk_update(updated_items, field_names, batch_size=200)
    material_plan_apply(to_create, to_update_materials, to_delete)

    for p in new:
        audit_event_record(actor=actor, action="service_item.created", target=p.item,
                           data={"code": p.item.code, "department": p.item.department.code,
                                 "materials": len(p.materials), "via": "import", "line": p.line})
    for p, material_summary in changed:
        data = {"changes": p.changes, "via": "import", "line": p.line}
        if material_summary:
            data["materials"] = material_summary
        audit_event_record(actor=actor, action="service_item.updated", target=p.item, data=data)

    result.created, result.updated = len(new), len(changed)
    result.unchanged = len(planned) - len(new) - len(changed)
    result.created_codes = [p.item.code for p in new]
    result.updated_codes = [p.item.code for p, _m in changed]
    if result.created or result.updated:  # a file that changes nothing leaves no trace either
        audit_event_record(actor=actor, action="catalogue.imported", target=county,
                           data={"file": filename[:200], "rows": result.rows, "created": result.created,
                                 "updated": result.updated, "unchanged": result.unchanged})
