"""Whose figures a user may see in the reports: a frozen, reports-only view of stations/scope.py's Scope.

* a superuser: everything;
* a township or county admin: the requests (and stations) whose place lies in their region;
* a station operator or grid liaison: their own station's;
* a department officer: their departments' requests;
* anyone else (a resident, an anonymous visitor): nothing — a report never shows a resident their own
  requests, and no names of people are ever in a report.

A user holding several roles sees the union. The public performance page uses `ReportScope.public()`
(every request, county-wide figures only). The filters are the scope module's (`grants_q`), except the
requests' place filter, which reports write with ids instead of path joins (the same rows, see
`request_q`); this class only keeps the grants a report needs, so that a long-running export keeps the
scope it was asked with.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from gov_services.models import Department
from stations.models import Region, Station
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
        paths), written without joins or LIKE on the request's side: the regions under the paths are a
        subquery on the small region table, and the request is matched by its own village, station and
        department ids (tests/reports/test_scope_filters.py checks the two agree)."""
        if self.everything:
            return Q()
        q = Q(pk__in=[])
        if self.region_paths:
            regions = regions_under(self.region_paths)
            q |= (Q(**{f"{prefix}village_id__in": regions})
                  | Q(**{f"{prefix}village_id__isnull": True,
                         f"{prefix}station_id__in": Station.objects.filter(village__in=regions).values("pk")})
                  | Q(**{f"{prefix}village_id__isnull": True, f"{prefix}station_id__isnull": True,
                         f"{prefix}department_id__in": Department.objects.filter(region__in=regions).values("pk")}))
        if self.station_ids:
            q |= Q(**{f"{prefix}station_id__in": list(self.station_ids)})
        if self.department_ids:
            q |= Q(**{f"{prefix}department_id__in": list(self.department_ids)})
        return q

    def station_q(self, prefix: str = "") -> Q:
        """Q over Station (reached through `prefix`) for this scope; officers see no stations."""
        return self._q(place=f"{prefix}village__path", station=f"{prefix}pk")


def regions_under(paths) -> QuerySet:
    """The ids of the regions at or under any of `paths` (a subquery: the region table is small)."""
    inside = Q(pk__in=[])
    for path in paths:
        inside |= Q(path__startswith=path)
    return Region.objects.filter(inside).values("pk")


def report_scope_for(*, user) -> ReportScope:
    """The scope of `user`'s reports (stations/scope.py's, once per request)."""
    return ReportScope.of(scope_for(user))
