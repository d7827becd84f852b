"""Whose figures a user may see in the reports: a frozen, reports-only view of stations/scope.py's Scope.

* a superuser: everything;
* a township or county admin: the requests (and stations) whose place lies in their region;
* a station operator or grid liaison: their own station's;
* a department officer: their departments' requests;
* anyone else (a resident, an anonymous visitor): nothing — a report never shows a resident their own
  requests, and no names of people are ever in a report.

A user holding several roles sees the union. The public performance page uses `ReportScope.public()`
(every request, county-wide figures only). The filters are the scope module's (`grants_q`); this class
only keeps the grants a report needs, so that a long-running export keeps the scope it was asked with.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from gov_services.models import ServiceRequest
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
        """Q over ServiceRequest (reached through `prefix`, e.g. "request__") for this scope."""
        return self._q(place=tuple(f"{prefix}{lookup}" for lookup in ServiceRequest.PLACE),
                       station=f"{prefix}station_id", department=f"{prefix}department_id")

    def station_q(self, prefix: str = "") -> Q:
        """Q over Station (reached through `prefix`) for this scope; officers see no stations."""
        return self._q(place=f"{prefix}village__path", station=f"{prefix}pk")


def report_scope_for(*, user) -> ReportScope:
    """The scope of `user`'s reports (stations/scope.py's, once per request)."""
    return ReportScope.of(scope_for(user))
