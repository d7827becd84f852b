"""Writes to the service catalogue: create and update single items with their materials, and the checks
those and the file import (catalogue/imports.py) share; an item's approval steps; a county's own search
words (SearchSynonym).

Every change leaves an audit event (core.audit) in the same transaction; nothing is half-saved.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.audit import audit_event_record
from core.pinyin import pinyin_initials
from gov_services.catalogue import spreadsheets
from gov_services.catalogue.eforms import validate_schema
from gov_services.catalogue.models import ItemStep, RequiredMaterial, SearchSynonym, ServiceItem
from gov_services.catalogue.steps import StepPlan, overall_limit, plan_errors
from stations.models import Region
from stations.scope import require, scope_for

# The fields a caller may set; pinyin_initials is always derived from the name.
ITEM_FIELDS = ("code", "name", "department", "category", "lowest_level", "description", "legal_limit_days",
               "promised_limit_days", "fee_fen", "issues_certificate", "online_allowed", "form_schema",
               "is_active", "parent", "fee_waived_low_income", "issued_by_village_committee")
MATERIAL_FIELDS = ("name", "form", "required", "note")


# ---------------------------------------------------------------------------------------------
# Validation shared by the single-item services and the import
# ---------------------------------------------------------------------------------------------

def item_errors(item: ServiceItem, *, trusted: bool = False) -> dict[str, list[str]]:
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
        errors["promised_limit_days"] = [spreadsheets.promised_too_long(promised, legal)]
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


def material_errors(materials: list[dict]) -> list[str]:
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


def material_plan(item: ServiceItem | None, materials: list[dict], existing: list[RequiredMaterial]):
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


def material_plan_apply(create, update, delete) -> None:
    if delete:
        RequiredMaterial.objects.filter(pk__in=delete).delete()
    if update:
        RequiredMaterial.objects.bulk_update(update, ["required", "note", "position"])
    if create:
        RequiredMaterial.objects.bulk_create(create)


def item_snapshot(item: ServiceItem) -> dict:
    values = {name: getattr(item, name) for name in ITEM_FIELDS if name not in ("department", "parent")}
    # The parent by code: an import may name a parent that is not saved yet.
    return {**values, "department": item.department_id, "parent": item.parent.code if item.parent else None}


def item_changes(before: dict, after: dict) -> dict:
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
    errors = item_errors(item) | _stored_parent_errors(item)
    if material_problems := material_errors(materials):
        errors["materials"] = material_problems
    _raise_if(errors)
    item.save()
    create, _update, _delete = material_plan(item, materials, [])
    material_plan_apply(create, [], [])
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
    before, stored_initials = item_snapshot(current), current.pinyin_initials
    for name, value in fields.items():
        setattr(current, name, [] if name == "form_schema" and value is None else value)
    current.pinyin_initials = pinyin_initials(current.name)
    errors = item_errors(current) | _stored_parent_errors(current)
    plan = None
    if materials is not None:
        materials = _normalised_materials(materials)
        if material_problems := material_errors(materials):
            errors["materials"] = material_problems
        else:
            plan = material_plan(current, materials, list(current.materials.all()))
    _raise_if(errors)
    changes = item_changes(before, item_snapshot(current))
    materials_changed = plan is not None and any(plan)
    if changes or current.pinyin_initials != stored_initials:
        current.save()
    if materials_changed:
        material_plan_apply(*plan)
    if changes or materials_changed:
        data = {"changes": changes}
        if materials_changed:
            data["materials"] = {"added": len(plan[0]), "changed": len(plan[1]), "removed": len(plan[2])}
        audit_event_record(actor=actor, action="service_item.updated", target=current, data=data)
    return current


# ---------------------------------------------------------------------------------------------
# An item's approval steps (the catalogue's steps screen): which steps, in which order, each one's
# limit in working days and who may do it, which must be done by different people, and whether the
# overall limit is the sum of the steps or set by hand. Running requests keep the steps they were
# filed with.
# ---------------------------------------------------------------------------------------------

_PLAN_MESSAGES = {
    "duplicate": gettext_lazy("Each step may appear once."),
    "required": gettext_lazy("An item needs the steps acceptance, review and approval."),
    "order": gettext_lazy("Acceptance comes first and approval last."),
    "separate_later": gettext_lazy("A step can only be kept apart from steps that come before it."),
}


def _snapshot(steps) -> list[dict]:
    return [{"kind": s.kind, "limit_days": s.limit_days, "role": s.role, "separate_from": list(s.separate_from)}
            for s in steps]


@transaction.atomic
def service_item_steps_set(*, item: ServiceItem, actor: User | None, steps: list[StepPlan],
                           overall_limit_fixed: bool, promised_limit_days: int | None = None) -> ServiceItem:
    """Replace the item's steps. Without `overall_limit_fixed` the promised limit becomes the sum of the
    steps after acceptance; with it, `promised_limit_days` is kept as given. Either way it may not pass
    the legal limit."""
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    errors = [str(_PLAN_MESSAGES[code]) for code in plan_errors(steps)]
    if errors:
        raise ValidationError({"steps": errors})
    total = overall_limit(steps)
    promised = promised_limit_days if overall_limit_fixed else total
    if promised is None or promised < 0:
        raise ValidationError({"promised_limit_days": _("Give the overall limit in working days.")})
    if promised > item.legal_limit_days:
        raise ValidationError({"promised_limit_days": _(
            "The overall limit (%(days)s working days) may not exceed the legal limit of %(legal)s.") % {
            "days": promised, "legal": item.legal_limit_days}})
    before = {"steps": _snapshot(item.steps.all()), "promised_limit_days": item.promised_limit_days,
              "overall_limit_fixed": item.overall_limit_fixed}
    item.steps.all().delete()
    ItemStep.objects.bulk_create([
        ItemStep(item=item, position=10 * (index + 1), kind=step.kind, limit_days=step.limit_days, role=step.role,
                 separate_from=list(step.separate_from)) for index, step in enumerate(steps)])
    item.promised_limit_days, item.overall_limit_fixed = promised, overall_limit_fixed
    item.save(update_fields=["promised_limit_days", "overall_limit_fixed"])
    audit_event_record(actor=actor, action="service_item.steps_set", target=item,
                       data={"before": before, "after": {"steps": _snapshot(steps),
                                                         "promised_limit_days": promised,
                                                         "overall_limit_fixed": overall_limit_fixed}})
    return item


# ---------------------------------------------------------------------------------------------
# A county's own search words (SearchSynonym): what residents say → the catalogue's words
# ---------------------------------------------------------------------------------------------

def _require_county_admin(actor: User, county: Region) -> None:
    require(scope_for(actor).is_county_admin and scope_for(actor).covers(county.path),
            _("Only the county's admins change its search words."))


@transaction.atomic
def search_synonym_save(*, actor: User, county: Region, word: str, means: str) -> SearchSynonym:
    """Add a word (or change what it means) for the county."""
    _require_county_admin(actor, county)
    word, terms = word.strip(), " ".join(means.split())
    errors = {}
    if not word or len(word) > 20 or " " in word:
        errors["word"] = [_("One word of up to 20 characters, as residents say it.")]
    if not terms:
        errors["means"] = [_("Give at least one word of the items' names.")]
    if errors:
        raise ValidationError(errors)
    row, _created = SearchSynonym.objects.update_or_create(county=county, word=word,
                                                           defaults={"means": terms[:200], "updated_by": actor})
    audit_event_record(actor=actor, action="gov_services.search_word.save", target=row,
                       data={"word": word, "means": row.means})
    return row


@transaction.atomic
def search_synonym_delete(*, actor: User, synonym: SearchSynonym) -> None:
    if synonym.county is None:
        raise ValidationError(_("A word for every county is changed by the platform's administrator."))
    _require_county_admin(actor, synonym.county)
    audit_event_record(actor=actor, action="gov_services.search_word.delete", target=synonym,
                       data={"word": synonym.word, "means": synonym.means})
    synonym.delete()
