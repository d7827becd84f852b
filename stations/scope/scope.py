"""The Scope class: one user's posts, what they amount to (workspaces, object predicates) and the
query filters over them; the domain rules come from ScopeRules (stations/scope/rules.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q, QuerySet

from accounts.roles import Role
from stations.models import Region, Station
from stations.scope.filters import grants_q
from stations.scope.posts import (
    _POST_LOADERS,
    STATION_ROLES,
    CareDeskPost,
    DepartmentPost,
    MerchantPost,
    RegionPost,
    StationPost,
)
from stations.scope.rules import ScopeRules


@dataclass(frozen=True)
class Scope(ScopeRules):
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
