"""Whose figures a user may see in the reports.

* a superuser: everything;
* a township or county admin: the requests (and stations) whose village lies in their region;
* a station operator or grid liaison: their own station's;
* a department officer: their departments' requests;
* anyone else (a resident, an anonymous visitor): nothing.

A user holding several roles sees the union. The public performance page uses `ReportScope.public()`
(every request, county-wide figures only; no names of people are ever in a report).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from gov_services.models import DepartmentMembership
from stations.selectors import active_assignments


@dataclass(frozen=True)
class ReportScope:
    everything: bool = False
    region_paths: tuple[str, ...] = ()
    station_ids: tuple[int, ...] = ()
    department_ids: tuple[int, ...] = ()

    @classmethod
    def public(cls) -> ReportScope:
        return cls(everything=True)

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.region_paths or self.station_ids or self.department_ids)

    @property
    def is_regional(self) -> bool:
        """True when the user sees whole regions (an admin) rather than one station or department."""
        return self.everything or bool(self.region_paths)

    def request_q(self, prefix: str = "") -> Q:
        """Q over ServiceRequest (reached through `prefix`, e.g. "request__") for this scope."""
        if self.everything:
            return Q()
        q = Q(**{f"{prefix}pk__in": []})
        for path in self.region_paths:
            q |= Q(**{f"{prefix}village__path__startswith": path}) | Q(
                **{f"{prefix}village__isnull": True, f"{prefix}station__village__path__startswith": path})
        if self.station_ids:
            q |= Q(**{f"{prefix}station_id__in": self.station_ids})
        if self.department_ids:
            q |= Q(**{f"{prefix}department_id__in": self.department_ids})
        return q

    def station_q(self, prefix: str = "") -> Q:
        """Q over Station (reached through `prefix`) for this scope; officers see no stations."""
        if self.everything:
            return Q()
        q = Q(**{f"{prefix}pk__in": list(self.station_ids)})
        for path in self.region_paths:
            q |= Q(**{f"{prefix}village__path__startswith": path})
        return q


def report_scope_for(*, user) -> ReportScope:
    """The scope of `user`'s reports. Two queries (none for an anonymous visitor or a superuser)."""
    if not user.is_authenticated:
        return ReportScope()
    if user.is_superuser:
        return ReportScope(everything=True)
    paths, stations = [], []
    for assignment in active_assignments(user=user):
        if assignment.region_id:
            paths.append(assignment.region.path)
        else:
            stations.append(assignment.station_id)
    departments = DepartmentMembership.objects.filter(user=user).values_list("department_id", flat=True)
    return ReportScope(region_paths=tuple(sorted(set(paths))), station_ids=tuple(sorted(set(stations))),
                       department_ids=tuple(sorted(set(departments))))
