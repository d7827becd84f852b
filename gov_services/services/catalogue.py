"""Writes to the service catalogue: create and update items with their materials; import a file.

Every change leaves an audit event (core.audit) in the same transaction; nothing is half-saved.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_event_record
from core.import_jobs import (
    STEP_CHECKING,
    STEP_SAVING,
    Progress,
    import_job_run,
    import_job_submit,
    reading_progress,
)
from core.models import ImportJob
from core.pinyin import pinyin_initials
from core.spreadsheets import ImportReport, Problem, SpreadsheetError, read_table
from gov_services import catalogue_io
from gov_services.eforms import validate_schema
from gov_services.models import Department, RequiredMaterial, ServiceItem
from stations.models import Region

# The fields a caller may set; pinyin_initials is always derived from the name.
ITEM_FIELDS = ("code", "name", "department", "category", "lowest_level", "description", "legal_limit_days",
               "promised_limit_days", "fee_fen", "issues_certificate", "online_allowed", "form_schema",
               "is_active", "parent", "fee_waived_low_income", "issued_by_village_committee")
MATERIAL_FIELDS = ("name", "form", "required", "note")


# ---------------------------------------------------------------------------------------------
# Validation shared by the single-item services and the import
# ---------------------------------------------------------------------------------------------

def _item_errors(item: ServiceItem, *, trusted: bool = False) -> dict[str, list[str]]:
    """Every problem with the item's own fields (not its materials), by field name.

    `trusted`: the department was just read from the database and codes were resolved for the
    whole file at once (the import), so skip the per-item queries for those two checks.
    """
    errors: dict[str, list[str]] = {}
    try:
        # The promised ≤ legal constraint is checked below with a message people understand.
        item.full_clean(exclude=["department", "parent"] if trusted else None, validate_unique=not trusted,
                        validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    legal, promised = item.legal_limit_days, item.promised_limit_days
    if isinstance(legal, int) and isinstance(promised, int) and promised > legal \
            and "promised_limit_days" not in errors:
        errors["promised_limit_days"] = [catalogue_io.promised_too_long(promised, legal)]
    if "form_schema" not in errors:
        try:
            validate_schema(item.form_schema)
        except ValidationError as error:
            errors["form_schema"] = error.messages
    return errors


def parent_errors(item: ServiceItem, *, parent: ServiceItem | None, parent_of_parent: str | None,
                  parent_department_id, has_sub_items: bool) -> list[str]:
    """Why `item` may not be a sub-item of `parent` (one level deep, same department), or [].

    Plain values in, so the import can pass what its file says about rows not yet saved.
    """
    if parent is None:
        return []
    if parent is item or (parent.pk and parent.pk == item.pk) or (parent.code and parent.code == item.code):
        return [_("An item cannot be its own parent.")]
    if parent_of_parent:
        return [_("“%(parent)s” is itself a sub-item; sub-items go only one level deep.")
                % {"parent": parent.code}]
    if has_sub_items:
        return [_("This item has sub-items of its own, so it cannot be a sub-item.")]
    if parent_department_id != item.department_id:
        return [_("The parent item “%(parent)s” belongs to another department.") % {"parent": parent.code}]
    return []


def _stored_parent_errors(item: ServiceItem) -> dict[str, list[str]]:
    """parent_errors for a single item against what the database holds."""
    errors: dict[str, list[str]] = {}
    parent = item.parent
    has_sub_items = bool(item.pk) and item.sub_items.exists()
    if messages := parent_errors(item, parent=parent, parent_of_parent=parent.parent.code if parent and parent.parent_id else None,
                                 parent_department_id=parent and parent.department_id,
                                 has_sub_items=has_sub_items):
        errors["parent"] = messages
    if has_sub_items and item.sub_items.exclude(department_id=item.department_id).exists():
        errors["department"] = [_("The item's sub-items stay with their department; move them first.")]
    return errors


def _normalised_materials(materials) -> list[dict]:
    if not isinstance(materials, list | tuple):
        raise ValidationError({"materials": [_("Materials must be a list.")]})
    result = []
    for spec in materials:
        unknown = set(spec) - set(MATERIAL_FIELDS) - {"position", "id"}
        if unknown:
            raise TypeError(f"unknown material keys: {sorted(unknown)}")
        result.append({"name": (spec.get("name") or "").strip(), "form": spec.get("form") or "original",
                       "required": bool(spec.get("required", True)), "note": (spec.get("note") or "").strip()})
    return result


def _material_errors(materials: list[dict]) -> list[str]:
    problems, seen = [], set()
    for position, spec in enumerate(materials, start=1):
        candidate = RequiredMaterial(position=position, **spec)
        try:
            candidate.full_clean(exclude=["item"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                label = str(RequiredMaterial._meta.get_field(name).verbose_name)
                problems += [_("Material %(position)d, %(field)s: %(message)s")
                             % {"position": position, "field": label, "message": m} for m in messages]
            continue
        key = (spec["name"], spec["form"])
        if key in seen:
            problems.append(_("Material “%(name)s” (%(form)s) is listed twice.")
                            % {"name": spec["name"], "form": candidate.get_form_display()})
        seen.add(key)
    return problems


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _material_plan(item: ServiceItem | None, materials: list[dict], existing: list[RequiredMaterial]):
    """What to create, update and delete so the item's materials become `materials`, keeping the
    rows (and their links from attachments) of materials that stay: matched by name and form."""
    current = {(m.name, m.form): m for m in existing}
    create, update, keep = [], [], set()
    for position, spec in enumerate(materials):
        key = (spec["name"], spec["form"])
        row = current.get(key)
        if row is None:
            create.append(RequiredMaterial(item=item, position=position, **spec))
            continue
        keep.add(key)
        if (row.required, row.note, row.position) != (spec["required"], spec["note"], position):
            row.required, row.note, row.position = spec["required"], spec["note"], position
            update.append(row)
    delete = [m.pk for key, m in current.items() if key not in keep]
    return create, update, delete


def _apply_material_plan(create, update, delete) -> None:
    if delete:
        RequiredMaterial.objects.filter(pk__in=delete).delete()
    if update:
        RequiredMaterial.objects.bulk_update(update, ["required", "note", "position"])
    if create:
        RequiredMaterial.objects.bulk_create(create)


def _snapshot(item: ServiceItem) -> dict:
    values = {name: getattr(item, name) for name in ITEM_FIELDS if name not in ("department", "parent")}
    # The parent by code: an import may name a parent that is not saved yet.
    return {**values, "department": item.department_id, "parent": item.parent.code if item.parent else None}


def _changes(before: dict, after: dict) -> dict:
    """{field: [old, new]} for audit data; the e-form is summarised, it can be long."""
    changes = {}
    for name in ITEM_FIELDS:
        if before[name] != after[name]:
            changes[name] = ["…", "…"] if name == "form_schema" else [before[name], after[name]]
    return changes


# ---------------------------------------------------------------------------------------------
# Single items
# ---------------------------------------------------------------------------------------------

@transaction.atomic
def service_item_create(*, actor: User | None, materials: list[dict] | tuple = (), **fields) -> ServiceItem:
    """A new catalogue item with its materials checklist.

    `fields` are ServiceItem fields (ITEM_FIELDS; department as a Department). Raises ValidationError
    with a dict of field → messages (materials problems under "materials") and saves nothing then.
    """
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"service_item_create() got unknown fields: {sorted(unknown)}")
    if fields.get("form_schema") is None:
        fields["form_schema"] = []
    item = ServiceItem(**fields)
    item.pinyin_initials = pinyin_initials(item.name)
    materials = _normalised_materials(materials)
    errors = _item_errors(item) | _stored_parent_errors(item)
    if material_problems := _material_errors(materials):
        errors["materials"] = material_problems
    _raise_if(errors)
    item.save()
    create, _update, _delete = _material_plan(item, materials, [])
    _apply_material_plan(create, [], [])
    audit_event_record(actor=actor, action="service_item.created", target=item,
                       data={"code": item.code, "department": item.department.code, "materials": len(materials)})
    return item


@transaction.atomic
def service_item_update(*, item: ServiceItem, actor: User | None, materials: list[dict] | None = None,
                        **fields) -> ServiceItem:
    """Change an item's fields and, when `materials` is given, make its checklist exactly that.

    The stored row is re-read under a lock, so the comparison for the audit trail is against what
    is saved, not against an instance a form may already have changed. Returns the saved item.
    No change → no write and no audit event.
    """
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"service_item_update() got unknown fields: {sorted(unknown)}")
    current = ServiceItem.objects.select_for_update(of=("self",)).select_related("department", "parent") \
        .get(pk=item.pk)
    before, stored_initials = _snapshot(current), current.pinyin_initials
    for name, value in fields.items():
        setattr(current, name, [] if name == "form_schema" and value is None else value)
    current.pinyin_initials = pinyin_initials(current.name)
    errors = _item_errors(current) | _stored_parent_errors(current)
    plan = None
    if materials is not None:
        materials = _normalised_materials(materials)
        if material_problems := _material_errors(materials):
            errors["materials"] = material_problems
        else:
            plan = _material_plan(current, materials, list(current.materials.all()))
    _raise_if(errors)
    changes = _changes(before, _snapshot(current))
    materials_changed = plan is not None and any(plan)
    if changes or current.pinyin_initials != stored_initials:
        current.save()
    if materials_changed:
        _apply_material_plan(*plan)
    if changes or materials_changed:
        data = {"changes": changes}
        if materials_changed:
            data["materials"] = {"added": len(plan[0]), "changed": len(plan[1]), "removed": len(plan[2])}
        audit_event_record(actor=actor, action="service_item.updated", target=current, data=data)
    return current


# ---------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------

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
    try:
        table = read_table(file, filename, caps=catalogue_io.CAPS, progress=reading_progress(progress))
    except SpreadsheetError as error:
        return ImportReport(problems=[Problem(None, "", str(error))])

    if progress is not None:
        progress(60, STEP_CHECKING)
    departments = list(Department.objects.filter(region__path__startswith=county.path).order_by("code"))
    rows, problems, columns = catalogue_io.parse_rows(table, departments=departments)
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
        errors = _item_errors(plan.item, trusted=True)
        if plan.materials is not None and (material_problems := _material_errors(plan.materials)):
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


def _plan_row(row: catalogue_io.ParsedRow, current: ServiceItem | None) -> _Planned:
    values = dict(row.values)
    if current is None:
        item = ServiceItem(**{"form_schema": [], **values})
        item.pinyin_initials = pinyin_initials(item.name)
        return _Planned(row.line, item, True, {}, row.materials or [])
    before = _snapshot(current)
    for name, value in values.items():
        setattr(current, name, value)
    current.pinyin_initials = pinyin_initials(current.name)
    return _Planned(row.line, current, False, _changes(before, _snapshot(current)), row.materials, before)


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
            plan.changes = _changes(plan.before, _snapshot(plan.item))
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
            to_create += _material_plan(p.item, p.materials, [])[0]
            continue
        material_summary = None
        if p.materials is not None:
            create, update, delete = _material_plan(p.item, p.materials, list(p.item.materials.all()))
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
    _apply_material_plan(to_create, to_update_materials, to_delete)

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
