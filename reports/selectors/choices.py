"""The filter choices a report offers: only what lies in the user's scope."""

from __future__ import annotations

from django.db.models import Q

from gov_services.models import Department
from reports.selectors.scope import ReportScope
from stations.models import Region, Station


def department_choices(*, scope: ReportScope) -> list[tuple[int, str]]:
    """Officers choose among their own departments; everyone else among all (a station's or a
    township's requests go to county departments too). One query (none for an empty scope)."""
    if scope.is_empty:
        return []
    departments = Department.objects.order_by("code")
    if not scope.everything and not scope.region_paths and not scope.station_ids:
        departments = departments.filter(pk__in=scope.department_ids)
    return list(departments.values_list("pk", "name"))


def township_choices(*, scope: ReportScope) -> list[tuple[int, str]]:
    """The townships in an admin's region (a township admin: their own). One query; none for a
    scope that holds no region."""
    if not scope.is_regional:
        return []
    townships = Region.objects.filter(level=Region.Level.TOWNSHIP).order_by("code")
    if not scope.everything:
        inside = Q(pk__in=[])
        for path in scope.region_paths:
            inside |= Q(path__startswith=path)
        townships = townships.filter(inside)
    return list(townships.values_list("pk", "name"))


def station_choices(*, scope: ReportScope) -> list[tuple[int, str]]:
    """Stations in the scope (an operator: their own). One query; none for an officer."""
    if scope.is_empty or not (scope.everything or scope.region_paths or scope.station_ids):
        return []
    return list(Station.objects.filter(scope.station_q()).order_by("code").values_list("pk", "name"))
