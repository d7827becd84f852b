"""Whose figures a user may see in the reports: a frozen, reports-only view of stations/scope's Scope.

* a superuser: everything;
* a township or county admin: the requests (and stations) whose place lies in their region;
* a station operator or grid liaison: their own station's;
* a department officer: their departments' requests;
* anyone else (a resident, an anonymous visitor): nothing — a report never shows a resident their own
  requests, and no names of residents are ever in a report. The per-officer figures name officers: they
  are for department heads (their departments) and township and county admins (their region) only.

A user holding several roles sees the union. The public performance page uses `ReportScope.public()`
(every request, county-wide figures only). The filters are the scope module's (`grants_q`), except the
requests' place filter, which reports write with ids instead of path joins (the same rows, see
`request_q`); this class only keeps the grants a report needs, so that a long-running export keeps the
scope it was asked with.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from stations.models import Region
from stations.scope import Scope, grants_q, scope_for


@dataclass(frozen=True)
class ReportScope:
    everything: bool = False
    region_paths: tuple[str, ...] = ()
    station_ids: tuple[int, ...] = ()
    department_ids: tuple[int, ...] = ()

    @classmethod
    def public(cls) -> ReportScope:
        return cls(everything=True)

    @classmethod
    def of(cls, scope: Scope) -> ReportScope:
        return cls(everything=scope.everything, region_paths=scope.region_paths, station_ids=scope.station_ids,
                   department_ids=scope.department_ids)

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.region_paths or self.station_ids or self.department_ids)

    @property
    def is_regional(self) -> bool:
        """True when the user sees whole regions (an admin) rather than one station or department."""
        return self.everything or bool(self.region_paths)

    def _q(self, **lookups) -> Q:
        return grants_q(everything=self.everything, region_paths=self.region_paths, station_ids=self.station_ids,
                        department_ids=self.department_ids, **lookups)

    def request_q(self, prefix: str = "") -> Q:
        """Q over ServiceRequest (reached through `prefix`, e.g. "request__") for this scope.

        The same requests as the scope module's place filter (`grants_q(place=ServiceRequest.PLACE)`: a
        request's village, else its station's village, else its department's region, under one of the
        paths), written without joins or LIKE on the request's side: the ids of the regions, stations
        and departments under the paths are read once (`place_ids`, one small query) and the request is
        matched by its own village, station and department ids — literal lists, so that PostgreSQL can
        read a county's requests of a period through the (village, submitted_at), (station,
        submitted_at) and department indexes instead of every request of the period in the province
        (tests/reports/test_report_percentiles.py checks the two filters agree)."""
        if self.everything:
            return Q()
        q = Q(pk__in=[])
        if self.region_paths:
            regions, stations, departments = self.place_ids
            q |= (Q(**{f"{prefix}village_id__in": regions})
                  | Q(**{f"{prefix}village_id__isnull": True, f"{prefix}station_id__in": stations})
                  | Q(**{f"{prefix}village_id__isnull": True, f"{prefix}station_id__isnull": True,
                         f"{prefix}department_id__in": departments}))
        if self.station_ids:
            q |= Q(**{f"{prefix}station_id__in": list(self.station_ids)})
        if self.department_ids:
            q |= Q(**{f"{prefix}department_id__in": list(self.department_ids)})
        return q

    @cached_property
    def place_ids(self) -> tuple[list[int], list[int], list[int]]:
        """The ids of the regions at or under the scope's paths, of their stations and of the departments
        serving them. One query, once per scope object."""
        inside = Q(pk__in=[])
        for path in self.region_paths:
            inside |= Q(path__startswith=path)
        regions, stations, departments = set(), set(), set()
        for region, station, department in Region.objects.filter(inside).values_list(
                "pk", "stations__pk", "departments__pk"):
            regions.add(region)
            if station is not None:
                stations.add(station)
            if department is not None:
                departments.add(department)
        return sorted(regions), sorted(stations), sorted(departments)

    def station_q(self, prefix: str = "") -> Q:
        """Q over Station (reached through `prefix`) for this scope; officers see no stations."""
        return self._q(place=f"{prefix}village__path", station=f"{prefix}pk")


def report_scope_for(*, user) -> ReportScope:
    """The scope of `user`'s reports (stations/scope's, once per request)."""
    return ReportScope.of(scope_for(user))


def staff_report_scope(*, user) -> ReportScope:
    """The government-service reports' scope: any staff post (station, department, township, county);
    PermissionDenied for anyone else."""
    scope = scope_for(user)
    if not scope.is_any_staff:
        raise PermissionDenied(_("Reports are for station, department, township and county staff."))
    return ReportScope.of(scope)


def commission_report_scope(*, user) -> ReportScope:
    """The till's figures (commissions, store sales): whoever may see commission statements (operators,
    township and county admins); PermissionDenied for anyone else."""
    scope = scope_for(user)
    if not scope.can_see_commissions:
        raise PermissionDenied(_("Commission reports are for station operators and township and county admins."))
    return ReportScope.of(scope)


def officer_report_scope(*, user) -> ReportScope:
    """The per-officer figures' scope: an admin's region, a head's departments (not the departments where they
    are only an officer); PermissionDenied for anyone else, plain officers included."""
    scope = scope_for(user)
    if not (scope.is_county_staff or scope.head_department_ids):
        raise PermissionDenied(_("Per-officer figures are for department heads and township and county admins."))
    return ReportScope(everything=scope.everything, region_paths=scope.region_paths,
                       department_ids=scope.head_department_ids)
