"""Writes to grids and households, and the audited read of a household in full.

Who may do what is stations/scope's rule: the admins who run a station set up its grids and choose
their liaisons (`can_plan_grids`, `can_change_grid_liaison`); a grid's liaison and the admins keep its
households (`can_keep_households`); township and county admins import them. `actor=None` is the system
(the demo seed, management commands). Every change leaves an audit event, and so does every showing of a
household's personal data in full; audit data names fields, never their values.

The import (`household_import`) runs as a background job (core/import_jobs.py), first as a dry run that
reports what it would create, change or refuse, then — the same stored file — for real. One bad row and
nothing is written; rows that change nothing are not written, so importing a file again changes nothing.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_event_record
from core.import_jobs import (
    STEP_SAVING,
    Progress,
    import_job_apply,
    import_job_run,
    import_job_submit,
    import_table_read,
)
from core.models import ImportJob
from core.personal_data import personal_data_view_record
from core.spreadsheets import ImportReport, Problem
from stations import households_io
from stations.models import Grid, Household, HouseholdMember, Station
from stations.scope import (
    can_change_grid_liaison,
    can_import_households,
    can_keep_households,
    can_plan_grids,
    require,
    scope_for,
)
from stations.selectors_households import station_liaisons

HOUSEHOLD_IMPORT = "stations.households"


# --- grids ------------------------------------------------------------------------------------------------

def _check_liaison(station: Station, liaison: User | None) -> None:
    if liaison is not None and not station_liaisons(station=station).filter(pk=liaison.pk).exists():
        raise ValidationError({"liaison": _("%(user)s is not a liaison at %(station)s.")
                               % {"user": liaison, "station": station}})


@transaction.atomic
def grid_create(*, station: Station, name: str, liaison: User | None, actor: User | None) -> Grid:
    """A new grid at `station`, walked by `liaison` (one of the station's liaisons) or by no one yet."""
    if actor is not None:
        require(can_plan_grids(actor, station), _("Only the admins of %(station)s's region may set up its grids.")
                % {"station": station.name})
    _check_liaison(station, liaison)
    grid = Grid(station=station, name=" ".join((name or "").split()), liaison=liaison)
    grid.full_clean()
    grid.save()
    audit_event_record(actor=actor, action="grid.created", target=grid,
                       data={"liaison": liaison and liaison.username})
    return grid


@transaction.atomic
def grid_liaison_change(*, grid: Grid, liaison: User | None, actor: User) -> Grid:
    """Give the grid to another of its station's liaisons, or to no one. The same liaison again changes nothing."""
    require(can_change_grid_liaison(actor, grid), _("Only the admins of the station's region may choose a grid's "
                                                     "liaison."))
    grid = Grid.objects.select_for_update().select_related("station").get(pk=grid.pk)
    if grid.liaison_id == (liaison and liaison.pk):
        return grid
    _check_liaison(grid.station, liaison)
    previous, grid.liaison = grid.liaison, liaison
    grid.save(update_fields=["liaison"])
    audit_event_record(actor=actor, action="grid.liaison_changed", target=grid,
                       data={"from": previous and previous.username, "to": liaison and liaison.username})
    return grid


# --- households ---------------------------------------------------------------------------------------------

def household_view_full(*, household: Household, actor: User) -> Household:
    """The household with its members, to be shown in full: refused (403) to anyone the scope does not
    name, and recorded as an audit event for everyone else."""
    require(scope_for(actor).can_see_households_in_full(household.grid),
            _("Only the grid's liaison, the station's operators and the region's admins see a household in full."))
    personal_data_view_record(viewer=actor, target=household, action="household.viewed",
                              fields=["head_name", "phone", "members.name", "members.id_number", "members.phone"],
                              purpose=_("the grid's household register"))
    return household


@transaction.atomic
def household_create(*, grid: Grid, house_number: str, actor: User | None, members: list[dict] = (),
                     **fields) -> Household:
    """A new household in `grid`: its house number (unique in the grid), head_name, phone, the care flags,
    and its members (dicts of name, id_number, relation, phone)."""
    if actor is not None:
        require(can_keep_households(actor, grid), _("Only the grid's liaison and the region's admins add households."))
    house_number = _house_number(grid, house_number)
    values, members = _clean(fields, members)
    household = Household(grid=grid, house_number=house_number, **values)
    household.full_clean(exclude=["grid"])
    household.save()
    HouseholdMember.objects.bulk_create(HouseholdMember(household=household, **member) for member in members)
    audit_event_record(actor=actor, action="household.created", target=household,
                       data={"members": len(members)})
    return household


@transaction.atomic
def household_mark_left(*, household: Household, actor: User | None, left: bool = True) -> Household:
    """The household moved out or was deregistered (or, `left=False`, came back): from then on the retention
    period of the register runs (stations/retention.py anonymises it when it is over)."""
    if actor is not None:
        require(can_keep_households(actor, household.grid),
                _("Only the grid's liaison and the region's admins edit households."))
    household = Household.objects.select_for_update().get(pk=household.pk)
    if bool(household.left_at) == left:
        return household
    household.left_at = timezone.now() if left else None
    household.save(update_fields=["left_at"])
    audit_event_record(actor=actor, action="household.left" if left else "household.returned", target=household)
    return household


@transaction.atomic
def household_update(*, household: Household, house_number: str, actor: User | None, members: list[dict],
                     **fields) -> list[str]:
    """Change a household's values and replace its members by `members`; returns the fields changed
    ("members" among them when the list changed). Nothing changed: nothing written."""
    if actor is not None:
        require(can_keep_households(actor, household.grid),
                _("Only the grid's liaison and the region's admins edit households."))
    household = Household.objects.select_for_update().get(pk=household.pk)
    values, members = _clean(fields, members)
    values["house_number"] = _house_number(household.grid, house_number, household=household)
    changed = _apply(household, values, members, existing=list(household.members.all()))
    if changed:
        audit_event_record(actor=actor, action="household.changed", target=household, data={"changed": changed})
    return changed


def _house_number(grid: Grid, text: str, *, household: Household | None = None) -> str:
    number = (text or "").strip()
    if not number:
        raise ValidationError({"house_number": _("Give the house number.")})
    if len(number) > 20:
        raise ValidationError({"house_number": _("A house number has at most 20 characters.")})
    others = grid.households.exclude(pk=household.pk) if household else grid.households.all()
    if others.filter(house_number=number).exists():
        raise ValidationError({"house_number": _("House number %(number)s is already in this grid.")
                               % {"number": number}})
    return number


def _clean(fields: dict, members) -> tuple[dict, list[dict]]:
    """The household's values and members through households_io's checks; errors keyed by field, a
    member's as "members"."""
    values = households_io.clean_household(**{key: fields.get(key) for key in households_io.HOUSEHOLD_FIELDS})
    clean = []
    for number, member in enumerate(members, start=1):
        try:
            clean.append(households_io.clean_member(**{k: member.get(k, "") for k in
                                                        ("name", "id_number", "relation", "phone")}))
        except ValidationError as error:
            raise ValidationError({"members": [_("Member %(n)d: %(problem)s") % {"n": number, "problem": message}
                                               for message in error.messages]}) from error
    problems = households_io.check_members(head_name=values["head_name"], members=clean)
    if problems:
        raise ValidationError({"head_name" if key == "head_name" else "members": message
                               for key, message in problems.items()})
    return values, clean


def _member_key(member) -> tuple:
    get = member.get if isinstance(member, dict) else lambda key: getattr(member, key)
    return get("id_number"), get("name"), get("relation"), get("phone")


def _changes(household: Household, values: dict, members: list[dict], existing: list[HouseholdMember]) -> list[str]:
    changed = [key for key, value in values.items() if getattr(household, key) != value]
    if sorted(map(_member_key, existing)) != sorted(map(_member_key, members)):
        changed.append("members")
    return changed


def _apply(household: Household, values: dict, members: list[dict], *, existing: list[HouseholdMember]) -> list[str]:
    """Write what differs: the household's changed fields; members matched by ID number are updated,
    the others added or removed. Returns the names of what changed."""
    changed = _changes(household, values, members, existing)
    fields = [key for key in changed if key != "members"]
    if fields:
        for key in fields:
            setattr(household, key, values[key])
        household.save(update_fields=fields)
    if "members" in changed:
        by_number = {member.id_number: member for member in existing}
        heads = {m.pk for m in existing if m.relation == HouseholdMember.Relation.HEAD}  # before any change
        wanted = {member["id_number"] for member in members}
        HouseholdMember.objects.filter(pk__in=[m.pk for m in existing if m.id_number not in wanted]).delete()
        updates, creates = [], []
        for member in members:
            row = by_number.get(member["id_number"])
            if row is None:
                creates.append(HouseholdMember(household=household, **member))
            elif _member_key(row) != _member_key(member):
                row.name, row.relation, row.phone = member["name"], member["relation"], member["phone"]
                updates.append(row)
        # One head per household, checked row by row: whoever stops being the head is saved first.
        for batch in ([m for m in updates if m.pk in heads], [m for m in updates if m.pk not in heads]):
            if batch:
                HouseholdMember.objects.bulk_update(batch, ["name", "relation", "phone"])
        HouseholdMember.objects.bulk_create(creates)
    return changed


# --- import -------------------------------------------------------------------------------------------------

def household_import_submit(*, user: User, upload, idempotency_key: uuid.UUID) -> ImportJob:
    """Queue the dry run of an uploaded household file (core/import_jobs.py): it writes nothing."""
    from stations.tasks.households import household_import_job

    require(can_import_households(user), _("Only township and county admins import households."))
    return import_job_submit(user=user, kind=HOUSEHOLD_IMPORT, params={"preview": True}, upload=upload,
                             idempotency_key=idempotency_key, enqueue=household_import_job.delay)


def household_import_apply(*, user: User, preview: ImportJob, idempotency_key: uuid.UUID) -> ImportJob:
    """Queue the import of the file that `preview` checked."""
    from stations.tasks.households import household_import_job

    require(can_import_households(user), _("Only township and county admins import households."))
    return import_job_apply(user=user, preview_job_id=preview.pk, kind=preview.kind, idempotency_key=idempotency_key,
                            enqueue=household_import_job.delay)


def household_import_job_run(*, job_id: int) -> ImportJob | None:
    def run(job: ImportJob, file, progress: Progress) -> ImportReport:
        return household_import(file=file, filename=job.filename, actor=job.user,
                                preview=bool(job.params.get("preview")), progress=progress)

    return import_job_run(job_id=job_id, run=run)


def household_import(*, file, filename: str, actor: User, preview: bool,
                     progress: Progress | None = None) -> ImportReport:
    """Check every row of a household file (households_io) and, unless `preview`, write it all in one
    transaction. The report names each household created or changed (with what changes), counts the
    unchanged ones and lists every problem by line; with a problem, nothing is written.
    Queries: the stations in scope named, their grids, the grids' households with their members; then
    per household created or changed a few writes and its audit event."""
    require(can_import_households(actor), _("Only township and county admins import households."))
    table, unreadable = import_table_read(file, filename, caps=households_io.CAPS, progress=progress)
    if table is None:
        return ImportReport(problems=unreadable)
    households, problems, columns = households_io.parse_rows(table)
    report = ImportReport(rows=len(table.rows), ignored_columns=columns.ignored)
    if not households and not problems:
        problems = [Problem(None, "", _("The file has a header but no household rows."))]
    grids = _grids_named(actor=actor, households=households, problems=problems, columns=columns)
    if problems:
        return report.refuse(problems)
    existing = _existing(grids.values())
    plan = []
    for parsed in households:
        grid = grids[parsed.key[:2]]
        household = existing.get((grid.pk, parsed.key[2]))
        members = [{k: v for k, v in member.items() if k != "line"} for member in parsed.members]
        if household is None:
            plan.append((parsed, grid, None, members))
            report.created += 1
            report.created_codes.append(parsed.code)
            continue
        changed = _changes(household, parsed.values, members, list(household.members.all()))
        if not changed:
            report.unchanged += 1
            continue
        plan.append((parsed, grid, household, members))
        report.updated += 1
        report.updated_codes.append(_("%(household)s: %(changes)s") % {
            "household": parsed.code, "changes": _(", ").join(_field_label(key) for key in changed)})
    if not preview and plan:
        if progress is not None:
            progress(80, STEP_SAVING)
        _write(plan, actor=actor)
    return report


def _grids_named(*, actor: User, households, problems: list[Problem], columns) -> dict[tuple[str, str], Grid]:
    """The grids the file names, by (station code, grid name), among the stations in the actor's scope;
    a problem on each line naming one that is not there (a station outside the scope is not there)."""
    codes = {parsed.key[0] for parsed in households}
    stations = scope_for(actor).filter(Station.objects.filter(code__in=codes), place="village__path", station="pk")
    known = dict(stations.values_list("code", "pk"))
    grids = {(grid.station.code, grid.name): grid
             for grid in Grid.objects.filter(station_id__in=known.values()).select_related("station")}
    for parsed in households:
        station, grid = parsed.key[:2]
        if station not in known:
            message = _("There is no station with code %(code)s in your region.") % {"code": station}
        elif (station, grid) not in grids:
            message = _("Station %(code)s has no grid called “%(grid)s”; set the grid up first.") \
                % {"code": station, "grid": grid}
        else:
            continue
        column = columns.label("station" if station not in known else "grid")
        problems += [Problem(line, column, message) for line in parsed.lines]
    problems.sort(key=lambda p: p.line or 0)
    return grids


def _existing(grids) -> dict[tuple[int, str], Household]:
    households = Household.objects.filter(grid__in=list(grids)).prefetch_related("members")
    return {(household.grid_id, household.house_number): household for household in households}


@transaction.atomic
def _write(plan, *, actor: User) -> None:
    for parsed, grid, household, members in plan:
        if household is None:
            household = Household.objects.create(grid=grid, house_number=parsed.key[2], **parsed.values)
            HouseholdMember.objects.bulk_create(HouseholdMember(household=household, **member) for member in members)
            audit_event_record(actor=actor, action="household.imported", target=household,
                               data={"created": True, "members": len(members)})
        else:
            changed = _apply(household, parsed.values, members, existing=list(household.members.all()))
            audit_event_record(actor=actor, action="household.imported", target=household,
                               data={"created": False, "changed": changed})


def _field_label(key: str) -> str:
    if key == "members":
        return str(HouseholdMember._meta.verbose_name_plural)
    return str(Household._meta.get_field(key).verbose_name)
