"""Who may see and act on what: the one place where Cunzhan decides it.

Everything that depends on *who is asking* starts here: selectors narrow their querysets with
`Scope.q(...)`, services refuse with the `can_*` predicates, views turn the same predicates into
buttons (or a 404), templates ask `{% scope as scope %}` (stations/templatetags/scope.py).

A person's scope is computed once per user object (cached on it, so once per web request) from
their posts:

* a station post: operator (代办员) or grid liaison (民情联络员) of one station (StaffAssignment);
* a region post: township or county admin of one region (StaffAssignment);
* a department post: officer, or head, of one department (gov_services' DepartmentMembership);
* a merchant post: a user of one member merchant's partner account (shop's Merchant / Oscar Partner);
* a care-desk post: a care operator taking calls for the residents of one region (care's CareDesk).

Ended assignments give no scope (`ended_on` is the first day without access). gov_services and shop
(and care) sit above stations, so they contribute their posts through `register_posts` in their AppConfig.ready();
the rules below stay here.

Who sees what (a user holding several posts sees the union):

| who | sees | acts on |
| --- | --- | --- |
| anonymous visitor | public pages only; every staff page sends them to /login/ | nothing |
| resident (any signed-in account) | the requests, certificates and orders filed for their own account | resubmits and rates their own requests |
| … holding the resident role (`is_resident`) | also their requests' scans and signature and their certificates' pages (an editor or merchant without the role: 403) | |
| operator | their station: its requests, ledger, till, floats, closes, statements, parcels, grids and households (in full) | files requests at their station only (the catalogue of the station's place); keeps the till; hands parcels over |
| grid liaison | their station's requests; the grids they walk (a liaison with no other post: only those), their households in full | files relayed requests at their station; keeps the households of the grids they walk |
| department officer | the requests and certificates of their departments; their departments' catalogue items | moves requests of their department (once assigned: the assignee only); claims unassigned ones |
| department head | as an officer | also assigns and moves any request of the department |
| township admin | everything whose place lies in their township: stations, requests, certificates, till rows, order parts, merchants serving it, the text messages about it, grids and households (in full); the county's catalogue and settings read-only | reroutes and closes requests there; decides cash variances; sends a failed text message again; adds, renames and merges its villages; creates, edits, imports, suspends and closes its stations; sets up grids, chooses their liaisons, keeps and imports households |
| county admin | the same for the whole county | the same for its townships and villages (imports the tree); also edits the catalogue, settings, certificates set-up and supervision; decides top-ups and statements; sets up the till's providers, products and commission plans (shared by the platform's counties; township admins read them); vets merchants and sets delivery fees; sets up departments (the county's, its townships', and the city-level ones at its city) and their staff (with the role's permission); gives and ends the township-admin posts of its townships and the county-admin posts of its county (never ends its own) |
| merchant | their own membership, products and order parts | moves their order parts |
| … at the counter (operator, liaison) | the care residents of the stations they operate and those they are liaison for, and those residents' calls | take a care call for them (offered to the responders at once); the liaison confirms and rates on the resident's behalf |
| care operator (a care-desk post, care's CareDesk) | the care registry, calls, check-ins and alerts of the residents of their region (in full on a resident's own page, audited); the responders serving it | takes calls, dispatches, records check-ins, keeps the registry of residents (the township and county admins do the same for their region, and contract the responders) |
| superuser | everything | everything staff may do (not what only the resident may do: resubmit, rate); opens a county (its city and county regions and its first county admin) |

Households' personal data (names, ID and phone numbers) is shown masked wherever it is listed
(core/masking.py); in full only on a household's own page, to those `can_see_households_in_full` names
(the grid's liaison, the station's operators, the admins of its place), and every such showing is an
audit event. The operator reads households but does not keep them (the role has no change_household):
the liaison who walks the grid and the admins do. Setting up a grid and choosing its liaison is
running the station (`can_run_station`): the admins' work, as putting staff there is.

A place is a Region path (city › county › township › village, treebeard materialised paths): a row lies
in a region when its place's path starts with the region's path. A request's place is its village, else
its station's village, else its department's region.

Answers: an anonymous visitor is sent to the login page; someone without the workspace's post gets 403
(the `is_*` workspace predicates); a row that exists but lies outside the scope is a 404, the same answer
as for a row that does not exist (`get_in_scope`); a foreign POST changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.roles import Role
from stations.models import Grid, Region, StaffAssignment, Station

STATION_ROLES = (Role.OPERATOR, Role.LIAISON)
NOTHING = Q(pk__in=[])

_CACHE_ATTRIBUTE = "_cz_scope"


# --- Posts -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StationPost:
    station_id: int
    role: str
    village_path: str
    station: Station | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class RegionPost:
    region_id: int
    role: str
    path: str
    level: str
    region: Region | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class DepartmentPost:
    department_id: int
    is_head: bool
    region_path: str


@dataclass(frozen=True)
class CareDeskPost:
    """A care operator's desk (care's CareDesk): the calls and registries of one region."""

    region_id: int
    path: str


@dataclass(frozen=True)
class MerchantPost:
    partner_id: int
    merchant_id: int | None


# Upper apps contribute posts: kind → loader(user_id) → the posts (one query each).
_POST_LOADERS: dict[str, Callable[[int], Iterable]] = {}


def register_posts(kind: str, loader: Callable[[int], Iterable]) -> None:
    """Called from an AppConfig.ready(): "departments" (gov_services), "merchants" (shop), "care_desks" (care)."""
    if kind not in ("departments", "merchants", "care_desks"):
        raise ValueError(f"unknown kind of post {kind!r}")
    _POST_LOADERS[kind] = loader


class Casework(Protocol):
    """What the request predicates read (gov_services.ServiceRequest has these)."""

    department_id: int
    assignee_id: int | None
    station_id: int | None
    applicant_user_id: int | None
    filed_by_id: int | None

    @property
    def place_path(self) -> str | None: ...


# --- The scope -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """One user's scope: their posts, and the rules over them. Build it with `scope_for(user)`;
    tests and benchmarks may build one directly from posts."""

    user_id: int | None = None
    everything: bool = False
    stations: tuple[StationPost, ...] = ()
    regions: tuple[RegionPost, ...] = ()
    departments: tuple[DepartmentPost, ...] = ()
    merchants: tuple[MerchantPost, ...] = ()
    # None: loaded when first asked (care pages only), so that no other page pays the query.
    care_desk_posts: tuple[CareDeskPost, ...] | None = field(default=None, compare=False, repr=False)

    # -- what the posts amount to

    @cached_property
    def care_desks(self) -> tuple[CareDeskPost, ...]:
        """The care-desk posts (care's CareDesk): given, or loaded on first use (one query)."""
        if self.care_desk_posts is not None:
            return self.care_desk_posts
        loader = _POST_LOADERS.get("care_desks")
        if loader is None or self.user_id is None or self.everything:
            return ()
        return tuple(loader(self.user_id))

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def region_paths(self) -> tuple[str, ...]:
        return tuple(sorted({post.path for post in self.regions}))

    @property
    def station_ids(self) -> tuple[int, ...]:
        return tuple(sorted({post.station_id for post in self.stations}))

    @property
    def operator_station_ids(self) -> tuple[int, ...]:
        return tuple(sorted({post.station_id for post in self.stations if post.role == Role.OPERATOR}))

    @property
    def department_ids(self) -> tuple[int, ...]:
        return tuple(sorted({post.department_id for post in self.departments}))

    @property
    def head_department_ids(self) -> tuple[int, ...]:
        return tuple(sorted({post.department_id for post in self.departments if post.is_head}))

    @property
    def partner_ids(self) -> tuple[int, ...]:
        return tuple(sorted({post.partner_id for post in self.merchants}))

    @property
    def merchant_ids(self) -> tuple[int, ...]:
        return tuple(sorted({post.merchant_id for post in self.merchants if post.merchant_id is not None}))

    @property
    def is_empty(self) -> bool:
        """No staff post at all (a resident, an anonymous visitor): nothing beyond their own rows."""
        return not (self.everything or self.stations or self.regions or self.departments or self.merchants)

    # -- workspace predicates: who gets into /county/, /counter/, /dept/, the merchant dashboard

    @property
    def is_county_staff(self) -> bool:
        """The back office (/county/…): township and county admins."""
        return self.everything or bool(self.regions)

    @property
    def is_county_admin(self) -> bool:
        """County-wide work: the catalogue, settings, certificates set-up, supervision decisions, top-ups."""
        return self.everything or any(post.role == Role.COUNTY_ADMIN for post in self.regions)

    @property
    def is_platform_admin(self) -> bool:
        """The platform's own work (/county/counties/…): opening a county and naming its first county admin.
        The superuser made by `createsuperuser`; no post gives it."""
        return self.everything

    @property
    def is_counter_staff(self) -> bool:
        """The counter (/counter/…): operators and liaisons of a station."""
        return bool(self.stations)

    @property
    def is_till_keeper(self) -> bool:
        """The station till: operators only."""
        return bool(self.operator_station_ids)

    @property
    def is_only_liaison(self) -> bool:
        """A grid liaison with no other staff post: what they file is relayed (channel liaison)."""
        return bool(self.stations) and not self.regions and all(p.role == Role.LIAISON for p in self.stations)

    @property
    def is_department_staff(self) -> bool:
        """The department queue (/dept/…): officers and heads."""
        return self.everything or bool(self.departments)

    @property
    def is_any_staff(self) -> bool:
        """A post at a station, a department or a region: reports and request files are for them."""
        return self.is_counter_staff or self.is_department_staff or self.is_county_staff

    @property
    def is_care_staff(self) -> bool:
        """The care desk (/care/…): care operators, and the township and county admins who supervise it."""
        return self.everything or bool(self.regions) or bool(self.care_desks)

    @property
    def is_merchant(self) -> bool:
        return bool(self.merchants)

    @property
    def can_see_commissions(self) -> bool:
        """Commission figures and statements: operators (their station's) and admins (their region's)."""
        return self.is_county_staff or self.is_till_keeper

    @property
    def counter_station(self) -> Station | None:
        """The station whose counter the user works at: their earliest station post."""
        return self.stations[0].station if self.stations else None

    @property
    def till_station(self) -> Station | None:
        """The station whose till the user keeps: their earliest operator post."""
        return next((p.station for p in self.stations if p.role == Role.OPERATOR), None)

    @property
    def admin_region(self) -> Region | None:
        """The widest region the user administers."""
        return min(self.regions, key=lambda p: len(p.path)).region if self.regions else None

    @property
    def county_path(self) -> str | None:
        """The path of the county holding the user's widest region (a township admin's county)."""
        region = self.admin_region
        return region.path[: Region.steplen * 2] if region is not None else None

    # -- object predicates (no queries)

    def is_user(self, user_id: int | None) -> bool:
        return user_id is not None and user_id == self.user_id

    def covers(self, path: str | None, *, county_only: bool = False) -> bool:
        """Whether a region the user administers holds the place at `path` (a county post, if asked)."""
        if self.everything:
            return True
        return bool(path) and any(path.startswith(post.path) for post in self.regions
                                  if not county_only or post.role == Role.COUNTY_ADMIN)

    def serves_station(self, station_id: int | None, *, roles=STATION_ROLES) -> bool:
        return station_id is not None and any(p.station_id == station_id and p.role in roles for p in self.stations)

    def operates(self, station_id: int | None) -> bool:
        return self.serves_station(station_id, roles=(Role.OPERATOR,))

    def works_in(self, department_id: int | None) -> bool:
        return self.everything or department_id in self.department_ids

    def heads(self, department_id: int | None) -> bool:
        return self.everything or department_id in self.head_department_ids

    def sells_as(self, partner_id: int | None) -> bool:
        return partner_id is not None and partner_id in self.partner_ids

    # -- stations: seeing and acting

    def can_run_station(self, station: Station) -> bool:
        """Change its build status, put staff to work there (with the role's permission): its admins."""
        return self.covers(station.village.path)

    def can_keep_till(self, station: Station) -> bool:
        return self.everything or self.operates(station.pk)

    def can_decide_for_station(self, station: Station, *, county_only: bool = False) -> bool:
        """Approve a cash variance (township or county), a top-up or a statement (county only)."""
        return self.covers(station.village.path, county_only=county_only)

    def can_reverse_at(self, station: Station) -> bool:
        return self.can_keep_till(station) or self.covers(station.village.path)

    # -- regions: the administrative tree's set-up

    def can_change_region(self, region: Region) -> bool:
        """Rename, move or merge it: a region strictly inside one the user administers (a township admin
        their township's villages, a county admin its townships and villages); the region of the post
        itself and everything above it are set from above (a superuser)."""
        return self.everything or any(region.path.startswith(p.path) and len(region.path) > len(p.path)
                                      for p in self.regions)

    def can_place_region(self, region: Region) -> bool:
        """Set its position on the map: any region the user may change, and also the region of their own post
        (a county admin centres their county's map; its name and place in the tree stay set from above)."""
        return self.can_change_region(region) or any(region.pk == p.region_id for p in self.regions)

    def can_add_region_under(self, parent: Region | None) -> bool:
        """Add a region under `parent` (None: a new top of the tree, a superuser only)."""
        return self.everything if parent is None else self.covers(parent.path)

    def sees_region_path(self, path: str) -> bool:
        """A region an import may name as it is: one the user administers, or one above their post
        (the city and county rows of a township's file)."""
        return self.everything or any(path.startswith(p.path) or p.path.startswith(path) for p in self.regions)

    # -- admin posts: township and county admins (StaffAssignment with a region)

    def can_give_admin_post(self, region: Region, role: str) -> bool:
        """Make someone admin of `region`: a county admin gives township-admin posts for the townships of
        their county and county-admin posts for their own county; a township admin gives none; the
        superuser any."""
        level = StaffAssignment.REGION_LEVEL.get(role)
        if level is None or region.level != level:
            return False
        return self.everything or self.covers(region.path, county_only=True)

    def can_end_admin_post(self, assignment: StaffAssignment) -> bool:
        """End an admin post: whoever may give it, except on their own post (a county admin who leaves is
        ended by another county admin or the superuser, so a county is never left without one by mistake)."""
        if assignment.region_id is None or (not self.everything and self.is_user(assignment.user_id)):
            return False
        return self.can_give_admin_post(assignment.region, assignment.role)

    # -- care for vulnerable residents (care): residents, calls and responders by their region's path

    def care_paths(self) -> tuple[str, ...]:
        """The regions whose care the user works: their care desks' and the regions they administer."""
        return tuple(sorted({post.path for post in self.care_desks} | set(self.admin_paths())))

    def care_q(self, *, place: str) -> Q:
        """Care rows (residents, calls, responders) whose place lies in a region of `care_paths`."""
        if self.everything:
            return Q()
        q = NOTHING
        for path in self.care_paths():
            q |= place_q(path, place)
        return q

    def can_work_care(self, path: str | None) -> bool:
        """Take calls, dispatch, record check-ins, keep the registry of residents at `path` (a village),
        and see them in full (each showing audited): its care desk and its admins."""
        return self.everything or (bool(path) and any(path.startswith(p) for p in self.care_paths()))

    def can_raise_care_call(self, *, path: str | None, station_id: int | None, liaison_id: int | None) -> bool:
        """Take a care call for a resident on the registry (and see their record for it, audited): the care
        desk and admins of their place; at the counter, an operator of their household's station; their
        liaison (the resident's own, else their grid's)."""
        return self.can_work_care(path) or self.operates(station_id) or self.is_user(liaison_id)

    def care_counter_q(self, *, station: str, liaison: str, grid_liaison: str) -> Q:
        """The residents the counter's care page offers (`can_raise_care_call` without the desk): those of
        the stations the user operates, and those the user is liaison for."""
        if self.user_id is None:
            return NOTHING
        q = Q(**{liaison: self.user_id}) | Q(**{f"{liaison}__isnull": True, grid_liaison: self.user_id})
        ids = self.operator_station_ids
        return q | Q(**{f"{station}__in": ids}) if ids else q

    def can_contract_responders(self, path: str | None) -> bool:
        """Register, edit and suspend responders contracted by the region at `path`: its admins."""
        return self.covers(path)

    # -- grids and households

    def can_see_households_in_full(self, grid: Grid) -> bool:
        """A grid's households with names, ID and phone numbers unmasked: the grid's liaison, its station's
        operators, the admins whose region holds it. Anyone else who sees the grid sees them masked."""
        return (self.everything or self.is_user(grid.liaison_id) or self.operates(grid.station_id)
                or self.covers(grid.station.village.path))

    # -- requests (gov_services): the rules the services enforce and the views offer as buttons

    def can_handle_request(self, request: Casework) -> bool:
        """Accept, return, review, approve, refuse, complete, close, transfer: an officer of its department;
        once assigned, only the assignee or a head."""
        if self.everything:
            return True
        return self.works_in(request.department_id) and (
            request.assignee_id is None or self.is_user(request.assignee_id) or self.heads(request.department_id))

    def can_supervise_request(self, request: Casework) -> bool:
        """Reroute or close it as an admin whose region holds its place."""
        return self.covers(request.place_path)

    def can_reroute_request(self, request: Casework) -> bool:
        return self.can_handle_request(request) or self.can_supervise_request(request)

    def can_claim_request(self, request: Casework) -> bool:
        return self.works_in(request.department_id) and request.assignee_id is None

    def can_assign_request(self, request: Casework) -> bool:
        return self.heads(request.department_id)

    def can_transfer_request(self, request: Casework) -> bool:
        return request.assignee_id is not None and self.can_handle_request(request)

    def can_note_request(self, request: Casework) -> bool:
        """Staff who may see it: officers of its department, admins of its place, staff of its station."""
        return (self.everything or self.works_in(request.department_id) or self.serves_station(request.station_id)
                or self.covers(request.place_path))

    def can_act_for_applicant(self, request: Casework) -> bool:
        """Resubmit after a return and rate: the resident's account, who filed it, or its station's staff."""
        return (self.is_user(request.applicant_user_id) or self.is_user(request.filed_by_id)
                or self.serves_station(request.station_id))

    def can_file(self, *, station_id: int | None, village_path: str | None, online: bool) -> bool:
        """File a request: at a station only its staff; online a resident for themselves (checked by the
        service's fields); relayed (phone, WeChat, API) an admin of the village or an officer of a
        department serving it."""
        if self.everything:
            return True
        if station_id is not None:
            return self.serves_station(station_id)
        if online or not village_path:
            return self.is_authenticated
        return self.covers(village_path) or any(village_path.startswith(p.region_path) for p in self.departments)

    # -- set-up: departments (gov_services' Department, by its region's path and level)

    def sets_up_department_at(self, path: str | None, level: str) -> bool:
        """A county admin sets up the departments of their county (its bureaus, its townships' service
        centres) and the city-level (市直) departments at their county's city, which serve it too."""
        if self.everything:
            return True
        if self.covers(path, county_only=True):
            return True
        return level == Region.Level.CITY and bool(path) and any(
            post.path.startswith(path) for post in self.regions if post.role == Role.COUNTY_ADMIN)

    def department_setup_q(self) -> Q:
        """The departments `sets_up_department_at` allows, as a filter on Department."""
        if self.everything:
            return Q()
        cities = sorted({path[: Region.steplen] for path in self.admin_paths(county_only=True)})
        q = self.q(place="region__path", county_only=True)
        return q | Q(level=Region.Level.CITY, region__path__in=cities) if cities else q

    # -- query filters

    def admin_paths(self, *, county_only: bool = False, whole_county: bool = False) -> tuple[str, ...]:
        """The paths of the regions administered: only those of county posts (`county_only`), or each
        widened to its county (`whole_county`: a township admin reads the county's catalogue)."""
        paths = {post.path for post in self.regions if not county_only or post.role == Role.COUNTY_ADMIN}
        if whole_county:
            paths = {path[: Region.steplen * 2] for path in paths}
        return tuple(sorted(paths))

    def q(self, *, place: str | tuple[str, ...] | None = None, station: str | None = None,
          department: str | None = None, partner: str | None = None, merchant: str | None = None,
          owner: str | None = None, station_roles=STATION_ROLES, county_only: bool = False,
          whole_county: bool = False) -> Q:
        """A Q over any model, given the lookups of its dimensions: `place` the Region path of its place
        (several: the first that is set counts), `station` its station id, `department` its department id,
        `partner`/`merchant` its seller, `owner` the resident's user id. Dimensions not named give no access;
        `county_only`/`whole_county` narrow or widen the admin's regions (see admin_paths).
        Q() for everything; NOTHING for nothing."""
        return grants_q(everything=self.everything,
                        region_paths=self.admin_paths(county_only=county_only, whole_county=whole_county),
                        station_ids=sorted({p.station_id for p in self.stations if p.role in station_roles}),
                        department_ids=self.department_ids, partner_ids=self.partner_ids,
                        merchant_ids=self.merchant_ids, user_id=self.user_id, place=place, station=station,
                        department=department, partner=partner, merchant=merchant, owner=owner)

    def filter(self, queryset: QuerySet, **lookups) -> QuerySet:
        """`queryset` narrowed by `q(**lookups)`; nothing for an anonymous visitor."""
        if not self.is_authenticated and not self.everything:
            return queryset.none()
        return queryset.filter(self.q(**lookups))

    def region_q(self) -> Q:
        """Regions: an admin's region and everything under it; a station's staff their station's village."""
        if self.everything:
            return Q()
        return self.q(place="path") | Q(path__in=sorted({p.village_path for p in self.stations}))

    def grid_q(self, *, prefix: str = "") -> Q:
        """Grids: those of the stations in scope; a liaison with no other post only the grids they walk.
        With `prefix` ("grid__"), the same over a model that has a grid (households)."""
        scope = self.q(place=f"{prefix}station__village__path", station=f"{prefix}station_id")
        return scope & Q(**{f"{prefix}liaison_id": self.user_id}) if self.is_only_liaison else scope


# --- Acts that need a role's permission as well as the place -------------------------------------------

def can_edit_station(user, station: Station) -> bool:
    """Edit its details, change its status (suspend, close …): its region's admins."""
    return user.has_perm("stations.change_station") and scope_for(user).can_run_station(station)


def can_change_station_status(user, station: Station) -> bool:
    return can_edit_station(user, station)


def can_set_up_station(user, village: Region) -> bool:
    """Create a station in `village` (by hand or by import): an admin whose region holds it."""
    return user.has_perm("stations.add_station") and scope_for(user).covers(village.path)


def can_set_up_departments(user) -> bool:
    """The departments' set-up screens: county admins (with the role's permission)."""
    return user.has_perm("gov_services.change_department") and scope_for(user).is_county_admin


def can_set_up_department_at(user, region: Region) -> bool:
    """Register a department serving `region`: see Scope.sets_up_department_at."""
    return can_set_up_departments(user) and scope_for(user).sets_up_department_at(region.path, region.level)


def can_add_station_staff(user, station: Station) -> bool:
    return user.has_perm("stations.add_staffassignment") and scope_for(user).can_run_station(station)


def can_plan_grids(user, station: Station) -> bool:
    """Set up a station's grids: the admins who run the station."""
    return user.has_perm("stations.add_grid") and scope_for(user).can_run_station(station)


def can_change_grid_liaison(user, grid: Grid) -> bool:
    return user.has_perm("stations.change_grid") and scope_for(user).can_run_station(grid.station)


def can_keep_households(user, grid: Grid) -> bool:
    """Add and edit a grid's households: its liaison and the admins (operators only read them)."""
    return user.has_perm("stations.change_household") and scope_for(user).can_see_households_in_full(grid)


def can_import_households(user) -> bool:
    """Import households (into the stations of their region, row by row): township and county admins."""
    return user.has_perm("stations.add_household") and scope_for(user).is_county_staff


def can_end_staff_assignment(user, assignment: StaffAssignment) -> bool:
    scope = scope_for(user)
    place = assignment.station.village.path if assignment.station_id else assignment.region.path
    return user.has_perm("stations.change_staffassignment") and scope.covers(place)


def can_open_county(user) -> bool:
    """Open a county on the platform (its city and county regions, its first county admin): the superuser."""
    return user.is_superuser and scope_for(user).is_platform_admin


def can_manage_admin_posts(user) -> bool:
    """The admin posts screen (/county/setup/admins/): county admins with the role's permission to assign
    staff, and the superuser. A township admin gives no admin posts (403)."""
    return user.has_perm("stations.add_staffassignment") and scope_for(user).is_county_admin


def can_give_admin_post(user, region: Region, role: str) -> bool:
    return can_manage_admin_posts(user) and scope_for(user).can_give_admin_post(region, role)


def can_end_admin_post(user, assignment: StaffAssignment) -> bool:
    return (user.has_perm("stations.change_staffassignment") and can_manage_admin_posts(user)
            and scope_for(user).can_end_admin_post(assignment))


def can_change_region(user, region: Region) -> bool:
    return user.has_perm("stations.change_region") and scope_for(user).can_change_region(region)


def can_place_region(user, region: Region) -> bool:
    return user.has_perm("stations.change_region") and scope_for(user).can_place_region(region)


def can_add_region(user, parent: Region | None) -> bool:
    return user.has_perm("stations.add_region") and scope_for(user).can_add_region_under(parent)


def can_set_up_till(user, permission: str = "agency.change_product") -> bool:
    """Providers, products and commission plans are one catalogue shared by every county on the platform
    (they carry no region): county admins holding the role's permission set them up; township admins
    only read them (the back office's workspace)."""
    return user.has_perm(permission) and scope_for(user).is_county_admin


def grants_q(*, everything: bool = False, region_paths=(), station_ids=(), department_ids=(), partner_ids=(),
             merchant_ids=(), user_id: int | None = None, place: str | tuple[str, ...] | None = None,
             station: str | None = None, department: str | None = None, partner: str | None = None,
             merchant: str | None = None, owner: str | None = None) -> Q:
    """The Q that Scope.q builds, from the grants themselves (reports keep their own frozen copy of them):
    rows whose place lies under one of `region_paths`, at one of `station_ids`, of one of `department_ids`,
    sold by one of `partner_ids`/`merchant_ids`, or owned by `user_id` — each through the lookup named."""
    if everything:
        return Q()
    scope = NOTHING
    if place is not None:
        for path in region_paths:
            scope |= place_q(path, place)
    for lookup, ids in ((station, station_ids), (department, department_ids), (partner, partner_ids),
                        (merchant, merchant_ids)):
        if lookup is not None and ids:
            scope |= Q(**{f"{lookup}__in": list(ids)})
    if owner is not None and user_id is not None:
        scope |= Q(**{owner: user_id})
    return scope


def place_q(path: str, place: str | tuple[str, ...], *, prefix: str = "") -> Q:
    """Rows whose place lies in the region at `path`. With several place lookups the first one set
    counts (a request's village, else its station's village …)."""
    lookups = (place,) if isinstance(place, str) else place
    q = Q(pk__in=[])
    unset: dict = {}
    for lookup in lookups:
        q |= Q(**unset, **{f"{prefix}{lookup}__startswith": path})
        unset[f"{prefix}{lookup.rsplit('__', 1)[0]}__isnull"] = True
    return q


# --- Building and caching ----------------------------------------------------------------------------

def scope_for(user) -> Scope:
    """The scope of `user` (anonymous: nothing; superuser: everything), cached on the user object.
    Three queries for staff and residents (assignments, departments, merchants), none otherwise."""
    if user is None or not user.is_authenticated:
        return Scope()
    cached = user.__dict__.get(_CACHE_ATTRIBUTE)
    if cached is None:
        cached = _build(user)
        user.__dict__[_CACHE_ATTRIBUTE] = cached
    return cached


def scope_forget(user) -> None:
    """Drop the cached scope (a service just changed this user's posts)."""
    if user is not None:
        user.__dict__.pop(_CACHE_ATTRIBUTE, None)


def _build(user) -> Scope:
    if user.is_superuser:
        return Scope(user_id=user.pk, everything=True)
    stations, regions = [], []
    for assignment in active_assignments(user=user).order_by("started_on", "pk"):
        if assignment.station_id:
            stations.append(StationPost(assignment.station_id, assignment.role, assignment.station.village.path,
                                        assignment.station))
        else:
            region = assignment.region
            regions.append(RegionPost(region.pk, assignment.role, region.path, region.level, region))
    loaders = _POST_LOADERS
    return Scope(user_id=user.pk, stations=tuple(stations), regions=tuple(regions),
                 departments=tuple(loaders["departments"](user.pk)) if "departments" in loaders else (),
                 merchants=tuple(loaders["merchants"](user.pk)) if "merchants" in loaders else ())


def active_assignments(*, user) -> QuerySet[StaffAssignment]:
    """The user's assignments in force today (with their station, village and region)."""
    if not user.is_authenticated:
        return StaffAssignment.objects.none()
    return StaffAssignment.objects.active().filter(user=user).select_related("station", "station__village", "region")


# --- Answers -------------------------------------------------------------------------------------------

def get_in_scope(queryset: QuerySet, **lookup) -> Model:
    """The one row of an already scoped `queryset` matching `lookup`, else Http404: the same answer for
    a row that does not exist and for one that is someone else's."""
    row = queryset.filter(**lookup).first()
    if row is None:
        raise Http404(_("Not found."))
    return row


def is_resident(user) -> bool:
    """Whether `user` holds the resident role: the applicant's side of request files and certificates
    (an editor's or a merchant's account has no such side). A role, not a post: asked only where needed,
    so that building a scope costs no query for it."""
    return user is not None and user.is_authenticated and user.has_role(Role.RESIDENT)


def require(allowed: bool, message: str) -> None:
    """PermissionDenied with `message` (which says why) unless `allowed`."""
    if not allowed:
        raise PermissionDenied(message)
