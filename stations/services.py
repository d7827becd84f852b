"""Writes to regions, stations and staff assignments. Each leaves an audit event.

Who may change a station or its staff is stations/scope.py's rule (the role's permission and a region
holding the station); `actor=None` is the system (the demo seed, management commands)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from accounts.services import staff_user_get_or_create, user_role_grant
from core.audit import audit_event_record
from stations.models import Grid, Region, StaffAssignment, Station, StationService
from stations.regions import codes
from stations.regions.paths import paths_followed
from stations.scope import (
    can_add_station_staff,
    can_change_station_status,
    can_end_staff_assignment,
    require,
    scope_forget,
)


@transaction.atomic
def region_add(*, parent: Region | None, name: str, code: str, level: str, actor: User | None,
               latitude=None, longitude=None, boundary=None) -> Region:
    """Add a region under `parent` (a fresh instance: treebeard reads its path and child count). No scope
    check: the system's, and the region import's, which checks every row (stations/regions/)."""
    parent_level = parent.level if parent else None
    if level not in Region.CHILD_LEVELS[parent_level]:
        raise ValidationError(_("A %(level)s cannot sit under %(parent)s.")
                              % {"level": dict(Region.Level.choices).get(level, level), "parent": parent or _("the top")})
    fields = {"name": name, "code": code, "level": level, "latitude": latitude, "longitude": longitude,
              "boundary": boundary or []}
    try:
        twin = Region.objects.filter(code__in=codes.short_forms(codes.canonical(code))).first()
    except ValidationError:
        twin = None  # not a code: full_clean says so
    if twin is not None:  # 130225 and 130225000000 are one code
        raise ValidationError({"code": _("Division code %(code)s is already %(region)s's.")
                                       % {"code": code, "region": twin.name}})
    Region(**fields).full_clean(exclude=["path", "depth", "numchild"])
    with paths_followed(parent.path if parent else ""):  # later siblings may shift to keep code order
        region = parent.add_child(**fields) if parent else Region.add_root(**fields)
    audit_event_record(actor=actor, action="region.added", target=region, data={"code": code, "level": level})
    return region


@transaction.atomic
def station_create(*, village: Region, code: str, name: str, address: str, actor: User | None,
                   tier: str = Station.Tier.STANDARD, status: str = Station.Status.PLANNED,
                   services: list[str] = (), **fields) -> Station:
    station = Station(village=village, code=code, name=name, address=address, tier=tier, status=status, **fields)
    station.full_clean()
    if len(set(services)) != len(services):
        raise ValidationError(_("A service is listed twice."))
    for kind in services:  # an unknown kind is refused before anything is saved
        StationService(kind=kind).clean_fields(exclude=["station"])
    station.save()
    StationService.objects.bulk_create([StationService(station=station, kind=kind) for kind in services])
    audit_event_record(actor=actor, action="station.created", target=station,
                       data={"tier": tier, "status": status, "services": list(services)})
    return station


@transaction.atomic
def station_status_change(*, station: Station, status: str, reason: str, actor: User) -> Station:
    """Move a station along Station.TRANSITIONS; returns the updated row (the caller's copy is stale)."""
    require(can_change_station_status(actor, station), _("Only the admins of %(station)s's region may change its "
                                                          "status.") % {"station": station.name})
    station = Station.objects.select_for_update().get(pk=station.pk)
    if status == station.status:
        return station  # a double submit changes nothing
    if status not in Station.Status.values:
        raise ValidationError(_("Unknown station status: %(status)s") % {"status": status})
    if status not in Station.TRANSITIONS[station.status]:
        raise ValidationError(_("A station that is %(current)s cannot become %(new)s.")
                              % {"current": station.get_status_display(), "new": Station.Status(status).label})
    if not reason.strip():
        raise ValidationError(_("Give a reason for the change; it goes into the station's history."))
    previous, station.status = station.status, status
    if status == Station.Status.OPEN and station.opened_on is None:
        station.opened_on = timezone.localdate()
    station.save(update_fields=["status", "opened_on"])
    audit_event_record(actor=actor, action="station.status_changed", target=station,
                       data={"from": previous, "to": status, "reason": reason})
    return station


@transaction.atomic
def staff_assign(*, user: User, role: str, actor: User | None, station: Station | None = None,
                 region: Region | None = None, started_on: date | None = None) -> StaffAssignment:
    """Give `user` a scoped role; also puts them in the role's permission group."""
    assignment = StaffAssignment(user=user, role=role, station=station, region=region,
                                 started_on=started_on or timezone.localdate())
    if (role in StaffAssignment.STATION_ROLES) != (station is not None) or (
        station is not None and region is not None
    ):
        raise ValidationError(_("Operators and liaisons serve a station; admins serve a region."))
    assignment.full_clean()
    assignment.save()
    user_role_grant(user=user, role=Role(role), actor=actor)
    scope_forget(user)
    audit_event_record(actor=actor, action="staff.assigned", target=assignment,
                       data={"role": role, "station": station and station.code, "region": region and region.code})
    return assignment


@transaction.atomic
def staff_assignment_end(*, assignment: StaffAssignment, actor: User, ended_on: date | None = None) -> None:
    require(can_end_staff_assignment(actor, assignment), _("Only a county admin whose region holds this post may "
                                                           "end it."))
    given, assignment = assignment, StaffAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.ended_on is not None:
        raise ValidationError(_("This assignment already ended on %(date)s.") % {"date": assignment.ended_on})
    assignment.ended_on = ended_on or timezone.localdate()
    assignment.full_clean()
    assignment.save(update_fields=["ended_on"])
    if StaffAssignment.user.is_cached(given):
        scope_forget(given.user)
    audit_event_record(actor=actor, action="staff.assignment_ended", target=assignment,
                       data={"ended_on": assignment.ended_on.isoformat()})


@transaction.atomic
def grid_create(*, station: Station, name: str, liaison: User | None, actor: User | None) -> Grid:
    if liaison is not None and not station.staff.filter(
        user=liaison, role=StaffAssignment.Role.LIAISON, ended_on__isnull=True
    ).exists():
        raise ValidationError(_("%(user)s is not a liaison at %(station)s.") % {"user": liaison, "station": station})
    grid = Grid(station=station, name=name, liaison=liaison)
    grid.full_clean()
    grid.save()
    audit_event_record(actor=actor, action="grid.created", target=grid,
                       data={"liaison": liaison and liaison.username})
    return grid


@transaction.atomic
def station_staff_add(*, station: Station, role: str, full_name: str, phone: str,
                      actor: User) -> tuple[StaffAssignment, str | None]:
    """Put a person (found or created by mobile number) to work at a station.

    Returns the assignment and, for a new account, its initial password to hand over.
    """
    require(can_add_station_staff(actor, station), _("Only a county admin whose region holds %(station)s may put "
                                                     "staff to work there.") % {"station": station.name})
    if role not in StaffAssignment.STATION_ROLES:
        raise ValidationError(_("A station's staff are operators and liaisons."))
    user, password = staff_user_get_or_create(full_name=full_name, phone=phone, actor=actor)
    if station.staff.filter(user=user, role=role, ended_on__isnull=True).exists():
        raise ValidationError(_("%(user)s already works here as %(role)s.")
                              % {"user": user, "role": StaffAssignment.Role(role).label})
    return staff_assign(user=user, role=role, station=station, actor=actor), password
