"""Reads of regions, stations, grids and staff. Who may see which is stations/scope's rule;
access_*_by_id answer 404 for a row out of scope, as for one that does not exist."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone

from accounts.models import User
from stations import geo
from stations.models import Grid, Region, StaffAssignment, Station
from stations.regions import codes
from stations.scope import can_manage_admin_posts, get_in_scope, scope_for


def station_list(*, user, township_id: int | None = None, status: str | None = None,
                 service: str | None = None) -> QuerySet[Station]:
    stations = scope_for(user).filter(Station.objects.all(), place="village__path", station="pk")
    if township_id:
        township = Region.objects.filter(pk=township_id, level=Region.Level.TOWNSHIP).first()
        stations = stations.filter(village__path__startswith=township.path) if township else stations.none()
    if status:
        stations = stations.filter(status=status)
    if service:
        stations = stations.filter(services__kind=service)
    return stations.select_related("village").order_by("code")


def access_station_by_id(*, user, station_id: int) -> Station:
    return get_in_scope(station_list(user=user), pk=station_id)


def region_list(*, user) -> QuerySet[Region]:
    """Regions the user may see: their assigned region and everything under it; an operator or
    liaison their station's village."""
    scope = scope_for(user)
    return Region.objects.filter(scope.region_q()) if scope.is_authenticated else Region.objects.none()


def places_by_township(places: QuerySet[Region]) -> list[tuple[str, list[tuple[int, str]]]]:
    """Villages and communities as a select's choices, grouped under their township's name, in tree order.
    Two queries."""
    places = list(places.order_by("path").only("pk", "name", "path"))
    township_paths = {place.path[: Region.steplen * 3] for place in places}
    townships = dict(Region.objects.filter(path__in=township_paths).values_list("path", "name"))
    groups: dict[str, list[tuple[int, str]]] = {}
    for place in places:
        groups.setdefault(townships.get(place.path[: Region.steplen * 3], ""), []).append((place.pk, place.name))
    return list(groups.items())


def access_region_by_id(*, user, region_id: int) -> Region:
    return get_in_scope(region_list(user=user), pk=region_id)


def grid_list(*, user, station_id: int | None = None) -> QuerySet[Grid]:
    """Grids in scope; a liaison with no other post sees only the grids they walk."""
    scope = scope_for(user)
    grids = Grid.objects.filter(scope.grid_q()) if scope.is_authenticated else Grid.objects.none()
    if station_id:
        grids = grids.filter(station_id=station_id)
    return grids.select_related("liaison", "station").annotate(household_count=Count("households")).order_by("name")


def station_staff(*, station: Station) -> QuerySet[StaffAssignment]:
    return (
        station.staff.active()
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
    """Stations as the public may see them (not closed ones): no staff, no households. Three queries (four
    when narrowed)."""
    stations = Station.objects.exclude(status=Station.Status.CLOSED).select_related("village").prefetch_related("services").order_by("code")
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
    """Regions with their parent's code, for maps and pickers: `geometry` the outline as GeoJSON, `boundary`
    its largest ring alone (what the API gave before outlines were uploaded). Two queries (three when narrowed)."""
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
         "latitude": r.latitude, "longitude": r.longitude, "boundary": geo.outer_ring(r.boundary),
         "geometry": geo.geometry(r.boundary)}
        for r in regions
    ]


def _under_region(queryset: QuerySet, *, path_field: str, code: str, level: str | None = None) -> QuerySet | None:
    """Rows at or under the region with division `code`; None when there is no such region."""
    region = Region.objects.filter(code__in=codes.stored_forms(code), **({"level": level} if level else {})).first()
    return None if region is None else queryset.filter(**{f"{path_field}__startswith": region.path})



def staff_account_list(*, user) -> QuerySet[User]:
    """Active accounts holding a post in force at a station or region the user administers as a county
    admin: those the admin may explicitly give another post."""
    posts = StaffAssignment.objects.active().filter(
        scope_for(user).q(place=("station__village__path", "region__path"), county_only=True))
    return User.objects.filter(is_active=True, pk__in=posts.values("user_id")).order_by("full_name", "pk")


def setup_village_list(*, user) -> QuerySet[Region]:
    """Villages and communities where the user may set up a station: those of the regions they administer."""
    return Region.objects.filter(scope_for(user).q(place="path"),
                                 level__in=[Region.Level.VILLAGE, Region.Level.COMMUNITY]).order_by("code")


# --- admin posts and the platform's counties --------------------------------------------------------------

ADMIN_POST_LEVELS = (Region.Level.TOWNSHIP, Region.Level.COUNTY)


def admin_post_list(*, user) -> QuerySet[StaffAssignment]:
    """Township- and county-admin posts, in force and ended, in the counties the user administers as a
    county admin (every county for the superuser); nothing for anyone else. Newest first within a region."""
    if not can_manage_admin_posts(user):
        return StaffAssignment.objects.none()
    return (StaffAssignment.objects.filter(region__isnull=False)
            .filter(scope_for(user).q(place="region__path", county_only=True))
            .select_related("user", "region").order_by("region__path", "-started_on", "-pk"))


def admin_posts_current(*, user) -> QuerySet[StaffAssignment]:
    return admin_post_list(user=user).active()


def admin_posts_past(*, user) -> QuerySet[StaffAssignment]:
    """Posts that have ended (`ended_on` is the first day without access), the latest ended first."""
    return admin_post_list(user=user).filter(ended_on__lte=timezone.localdate()).order_by("-ended_on", "-pk")


def access_admin_post_by_id(*, user, assignment_id: int | None) -> StaffAssignment:
    """An admin post the admins' screen lists, in force or ended (ending it twice says it has ended): 404 for
    another county's, as for none."""
    return get_in_scope(admin_post_list(user=user), pk=assignment_id)


def admin_post_region_choices(*, user) -> QuerySet[Region]:
    """The townships and counties the user may give admin posts for: those of their county (all for the
    superuser); a county first, then its townships."""
    if not can_manage_admin_posts(user):
        return Region.objects.none()
    return Region.objects.filter(scope_for(user).q(place="path", county_only=True),
                                 level__in=ADMIN_POST_LEVELS).order_by("path")


@dataclass
class CountyRow:
    county: Region
    city: Region
    admins: list[StaffAssignment]


def county_overview(*, user) -> list[CountyRow]:
    """Every county on the platform with its city and its county admins in force (the superuser's counties
    page; nobody else's). Three queries."""
    if not scope_for(user).is_platform_admin:
        return []
    counties = list(Region.objects.filter(level=Region.Level.COUNTY).order_by("path"))
    cities = {city.path: city for city in Region.objects.filter(
        path__in={county.path[: Region.steplen] for county in counties})}
    admins: dict[int, list[StaffAssignment]] = {}
    for post in (StaffAssignment.objects.active().filter(role=StaffAssignment.Role.COUNTY_ADMIN,
                                                         region__in=counties)
                 .select_related("user").order_by("started_on", "pk")):
        admins.setdefault(post.region_id, []).append(post)
    return [CountyRow(county, cities[county.path[: Region.steplen]], admins.get(county.pk, [])) for county in counties]
