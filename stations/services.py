"""Writes to regions, stations and staff assignments (grids and households: services_households.py). Each
leaves an audit event.

Who may change a station or its staff is stations/scope's rule (the role's permission and a region
holding the station); `actor=None` is the system (the demo seed, management commands)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from accounts.services import staff_account_create, user_role_grant, user_role_revoke
from core.audit import audit_event_record
from stations import geo
from stations.models import Region, StaffAssignment, Station, StationService
from stations.regions import codes
from stations.regions.paths import paths_followed
from stations.scope import (
    can_add_station_staff,
    can_change_station_status,
    can_edit_station,
    can_end_staff_assignment,
    can_set_up_station,
    require,
    scope_forget,
)
from stations.selectors_map import county_of, position_area
from stations.services_households import grid_create  # noqa: F401  (grids and households live there)


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
    station.full_clean()  # a place that is no village is refused as such, whoever asks
    station_position_check(village=village, latitude=station.latitude, longitude=station.longitude)
    _check_services(services)
    if actor is not None:
        require(can_set_up_station(actor, village), _("Only the admins of %(village)s's region may set up a "
                                                      "station there.") % {"village": village.name})
    station.save()
    StationService.objects.bulk_create([StationService(station=station, kind=kind) for kind in services])
    audit_event_record(actor=actor, action="station.created", target=station,
                       data={"tier": tier, "status": status, "services": list(services)})
    return station


def station_position_check(*, village: Region, latitude, longitude) -> None:
    """Refuse a position outside the village's county (the box of its township outlines, once they are all
    uploaded) or, before that, outside China: ValidationError by field. No position at all is fine."""
    if latitude is None or longitude is None:
        return  # half a position is the model's error (Station.clean)
    problems = geo.position_problems(latitude, longitude, position_area(county=county_of(village)))
    if problems:
        raise ValidationError(problems)


def _check_services(services) -> None:
    if len(set(services)) != len(services):
        raise ValidationError({"services": _("A service is listed twice.")})
    for kind in services:  # an unknown kind is refused before anything is saved
        StationService(kind=kind).clean_fields(exclude=["station"])


# What an edit may change; status moves only through station_status_change, the code never.
STATION_EDITABLE = ("name", "village", "tier", "address", "opening_hours", "phone", "latitude", "longitude",
                    "opened_on")


@transaction.atomic
def station_update(*, station: Station, actor: User | None, services: list[str] | None = None,
                   **fields) -> dict:
    """Change a station's details (STATION_EDITABLE) and, when given, the services it offers.

    Returns what changed ({} when nothing did: a double submit or a re-import writes nothing).
    A new village must lie in the actor's region too."""
    if actor is not None:
        require(can_edit_station(actor, station), _("Only the admins of %(station)s's region may edit it.")
                % {"station": station.name})
    unknown = set(fields) - set(STATION_EDITABLE)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    station = Station.objects.select_for_update().select_related("village").get(pk=station.pk)
    if actor is not None and "village" in fields and fields["village"] != station.village:
        require(can_set_up_station(actor, fields["village"]), _("That village is outside your region."))
    changes = {}
    for name, value in fields.items():
        before = getattr(station, name)
        if before != value:
            changes[name] = [_plain(before), _plain(value)]
            setattr(station, name, value)
    station.full_clean()
    if changes.keys() & {"latitude", "longitude", "village"}:  # a position saved before outlines stays
        station_position_check(village=station.village, latitude=station.latitude, longitude=station.longitude)
    if services is not None:
        _check_services(services)
        current = set(station.services.values_list("kind", flat=True))
        if current != set(services):
            changes["services"] = [sorted(current), sorted(services)]
            station.services.exclude(kind__in=services).delete()
            StationService.objects.bulk_create([StationService(station=station, kind=kind)
                                                for kind in services if kind not in current])
    if changes:
        station.save()
        audit_event_record(actor=actor, action="station.updated", target=station, data={"changes": changes})
    return changes


def _plain(value):
    """A value as the audit trail keeps it (JSON): regions by code, decimals as text."""
    if isinstance(value, Region):
        return value.code
    return None if value is None else str(value) if not isinstance(value, (str, int)) else value


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
    Station.TRANSITIONS.check(station.status, status)
    if not reason.strip():
        raise ValidationError(_("Give a reason for the change; it goes into the station's history."))
    previous = Station.TRANSITIONS.move(station, status)
    if status == Station.Status.OPEN and station.opened_on is None:
        station.opened_on = timezone.localdate()
    station.save(update_fields=["status", "opened_on"])
    audit_event_record(actor=actor, action="station.status_changed", target=station,
                       data={"from": previous, "to": status, "reason": reason})
    if status == Station.Status.CLOSED:  # nobody works at a closed counter: its staff lose it today
        for assignment in station.staff.filter(ended_on__isnull=True):
            _assignment_end(assignment, actor=actor)
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
    _assignment_end(assignment, actor=actor, ended_on=ended_on)


def _assignment_end(assignment: StaffAssignment, *, actor: User | None, ended_on: date | None = None) -> None:
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
    _role_revoked_with_last_post(assignment, actor=actor)


def _role_revoked_with_last_post(assignment: StaffAssignment, *, actor: User | None) -> None:
    """Ending someone's last post of a role today ends the role too, so they no longer land on a workspace
    they may not open. A post ending on a later date keeps the role until then (its posts refuse access
    from that day; the role is settled when an admin next ends a post)."""
    today = timezone.localdate()
    if assignment.ended_on > today:
        return
    posts = StaffAssignment.objects.filter(user_id=assignment.user_id, role=assignment.role)
    if not posts.filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=today)).exists():
        user_role_revoke(user=assignment.user, role=Role(assignment.role), actor=actor)


@transaction.atomic
def station_staff_add(*, station: Station, role: str, actor: User, full_name: str = "", phone: str = "",
                      account: User | None = None) -> tuple[StaffAssignment, str | None]:
    """Put a person to work at a station: an `account` the admin chose explicitly, or a new account for
    `full_name` and `phone` (refused when the number already has an account: accounts.services).

    Returns the assignment and, for a new account, its initial password to hand over.
    """
    require(can_add_station_staff(actor, station), _("Only a county admin whose region holds %(station)s may put "
                                                     "staff to work there.") % {"station": station.name})
    if role not in StaffAssignment.STATION_ROLES:
        raise ValidationError(_("A station's staff are operators and liaisons."))
    if station.status == Station.Status.CLOSED:
        raise ValidationError(_("%(station)s is closed.") % {"station": station.name})
    password = None
    if account is None:
        account, password = staff_account_create(full_name=full_name, phone=phone, actor=actor)
    elif station.staff.filter(user=account, role=role, ended_on__isnull=True).exists():
        raise ValidationError(_("%(user)s already works here as %(role)s.")
                              % {"user": account, "role": StaffAssignment.Role(role).label})
    return staff_assign(user=account, role=role, station=station, actor=actor), password
