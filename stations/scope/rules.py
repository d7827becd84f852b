"""The rules over rows of each domain (stations, regions, admin posts, care, grids and households,
requests, departments' set-up), mixed into Scope: they read its posts and its object predicates
(`covers`, `serves_station`, `works_in` …), so the class stays one Scope in two modules."""

from __future__ import annotations

from typing import Protocol

from django.db.models import Q

from accounts.roles import Role
from stations.models import Grid, Region, StaffAssignment, Station
from stations.scope.filters import NOTHING, place_q


class Casework(Protocol):
    """What the request predicates read (gov_services.ServiceRequest has these)."""

    department_id: int
    assignee_id: int | None
    station_id: int | None
    applicant_user_id: int | None
    filed_by_id: int | None

    @property
    def place_path(self) -> str | None: ...


class ScopeRules:
    """The domain rules of Scope (see stations/scope/scope.py for the posts and predicates they use)."""

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
