"""Reads that depend on who is asking. Every scoped query in the project starts here.

Scope rules: a superuser sees everything; a county or township admin sees the regions
and stations under the region they are assigned to; an operator or liaison sees only
the station they serve. Anyone else sees nothing through these selectors.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from stations.models import Grid, Region, StaffAssignment, Station


def active_assignments(*, user) -> QuerySet[StaffAssignment]:
    if not user.is_authenticated:
        return StaffAssignment.objects.none()
    today = timezone.localdate()
    return StaffAssignment.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=today), user=user, started_on__lte=today
    ).select_related("station", "station__village", "region")


def _scope_filter(*, user, path_field: str, station_field: str) -> Q | None:
    """A Q selecting rows within the user's scope, or None when the scope is everything.

    `path_field` names the Region.path of the row's place; `station_field` its station id.
    """
    if user.is_superuser:
        return None
    scope = Q(pk__in=[])
    for assignment in active_assignments(user=user):
        if assignment.region_id:
            scope |= Q(**{f"{path_field}__startswith": assignment.region.path})
        else:
            scope |= Q(**{station_field: assignment.station_id})
    return scope


def _scoped(queryset: QuerySet, *, user, path_field: str, station_field: str) -> QuerySet:
    if not user.is_authenticated:
        return queryset.none()
    scope = _scope_filter(user=user, path_field=path_field, station_field=station_field)
    return queryset if scope is None else queryset.filter(scope)


def station_list(*, user, township_id: int | None = None, status: str | None = None,
                 service: str | None = None) -> QuerySet[Station]:
    stations = _scoped(Station.objects.all(), user=user, path_field="village__path", station_field="pk")
    if township_id:
        township = Region.objects.filter(pk=township_id, level=Region.Level.TOWNSHIP).first()
        stations = stations.filter(village__path__startswith=township.path) if township else stations.none()
    if status:
        stations = stations.filter(status=status)
    if service:
        stations = stations.filter(services__kind=service)
    return stations.select_related("village").order_by("code")


def access_station_by_id(*, user, station_id: int) -> Station:
    station = station_list(user=user).filter(pk=station_id).first()
    if station is None:
        raise PermissionDenied(_("You may not see this station."))
    return station


def region_list(*, user) -> QuerySet[Region]:
    """Regions the user may see: their assigned region and everything under it.

    An operator or liaison sees their station's village only.
    """
    return _scoped(Region.objects.all(), user=user, path_field="path", station_field="stations__pk").distinct()


def access_region_by_id(*, user, region_id: int) -> Region:
    region = region_list(user=user).filter(pk=region_id).first()
    if region is None:
        raise PermissionDenied(_("You may not see this region."))
    return region


def grid_list(*, user, station_id: int | None = None) -> QuerySet[Grid]:
    """Grids in scope; a liaison additionally sees only the grids they walk."""
    grids = _scoped(Grid.objects.all(), user=user, path_field="station__village__path", station_field="station_id")
    if not user.is_superuser and is_only_liaison(user=user):
        grids = grids.filter(liaison=user)
    if station_id:
        grids = grids.filter(station_id=station_id)
    return grids.select_related("liaison", "station").annotate(household_count=Count("households")).order_by("name")


def is_only_liaison(*, user) -> bool:
    """A grid liaison with no other staff role: what they file is relayed from households (channel liaison)."""
    roles = {a.role for a in active_assignments(user=user)}
    return roles == {StaffAssignment.Role.LIAISON}


def counter_station_for(*, user) -> Station | None:
    """The station an operator or liaison works at (their first active assignment)."""
    assignment = (
        active_assignments(user=user).filter(station__isnull=False).order_by("started_on", "pk").first()
    )
    return assignment.station if assignment else None


def admin_region_for(*, user) -> Region | None:
    """The widest region a township or county admin is assigned to."""
    assignment = active_assignments(user=user).filter(region__isnull=False).order_by("region__depth").first()
    return assignment.region if assignment else None


def station_staff(*, station: Station) -> QuerySet[StaffAssignment]:
    today = timezone.localdate()
    return (
        station.staff.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today), started_on__lte=today)
        .select_related("user")
        .order_by("role", "user__full_name")
    )


def township_summary(*, region: Region) -> list[dict]:
    """Per township under `region`: station counts by status (for the county overview).

    One query for the townships, one for the counts.
    """
    townships = list(
        region.get_descendants().filter(level=Region.Level.TOWNSHIP)
        if region.level != Region.Level.TOWNSHIP else Region.objects.filter(pk=region.pk)
    )
    counts = (
        Station.objects.filter(village__path__startswith=region.path)
        .values("village__path", "status")
        .annotate(n=Count("pk"))
    )
    rows = {t.path: {"township": t, "total": 0, **{s: 0 for s in Station.Status.values}} for t in townships}
    step = Region.steplen * 3  # a township's path is three steps long
    for row in counts:
        summary = rows.get(row["village__path"][:step])
        if summary:
            summary[row["status"]] += row["n"]
            summary["total"] += row["n"]
    return list(rows.values())


def public_station_directory(*, township_code: str | None = None, status: str | None = None) -> list[dict]:
    """Stations as the public may see them: no staff, no households. Three queries (four when narrowed)."""
    stations = Station.objects.select_related("village").prefetch_related("services").order_by("code")
    if township_code:
        stations = _under_region(stations, path_field="village__path", code=township_code,
                                 level=Region.Level.TOWNSHIP)
        if stations is None:
            return []
    if status:
        stations = stations.filter(status=status)
    stations = list(stations)
    township_paths = {s.village.path[: Region.steplen * 3] for s in stations}
    townships = dict(Region.objects.filter(path__in=township_paths).values_list("path", "name"))
    return [
        {
            "code": s.code, "name": s.name, "village": s.village.name,
            "township": townships.get(s.village.path[: Region.steplen * 3], ""),
            "tier": s.tier, "status": s.status, "address": s.address, "phone": s.phone,
            "opening_hours": s.opening_hours, "latitude": s.latitude, "longitude": s.longitude,
            "services": [service.kind for service in s.services.all()],
        }
        for s in stations
    ]


def public_region_list(*, level: str | None = None, within_code: str | None = None) -> list[dict]:
    """Regions with their parent's code, for maps and pickers. Two queries (three when narrowed)."""
    regions = Region.objects.order_by("path")
    if within_code:
        regions = _under_region(regions, path_field="path", code=within_code)
        if regions is None:
            return []
    if level:
        regions = regions.filter(level=level)
    regions = list(regions)
    parent_paths = {r.path[: -Region.steplen] for r in regions if r.depth > 1}
    parents = dict(Region.objects.filter(path__in=parent_paths).values_list("path", "code"))
    return [
        {"code": r.code, "name": r.name, "level": r.level, "parent": parents.get(r.path[: -Region.steplen]),
         "latitude": r.latitude, "longitude": r.longitude, "boundary": r.boundary}
        for r in regions
    ]


def _under_region(queryset: QuerySet, *, path_field: str, code: str, level: str | None = None) -> QuerySet | None:
    """Rows at or under the region with division `code`; None when there is no such region."""
    region = Region.objects.filter(code=code, **({"level": level} if level else {})).first()
    return None if region is None else queryset.filter(**{f"{path_field}__startswith": region.path})
