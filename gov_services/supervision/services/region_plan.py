"""What a sweep knows about one region (a county, or a city with departments of its own), loaded once:
its settings, departments, items by time limit, escalation chain and department heads; and which requests
and approval steps have their clock running."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from accounts.models import User
from gov_services.models import (
    Department,
    DepartmentMembership,
    EscalationStep,
    ServiceItem,
    ServiceRequest,
    SupervisionSettings,
)
from gov_services.requests.workflow import CLOCK_RUNNING
from gov_services.supervision import selectors
from gov_services.supervision.rules import Thresholds
from gov_services.supervision.services.county_settings import supervision_settings_ensure
from stations.models import Region

Status = ServiceRequest.Status


@dataclass
class CountyPlan:
    """What the sweep needs to know about one county, loaded once."""

    county: Region
    config: SupervisionSettings
    department_ids: list[int]
    items_by_limit: dict[int, list[int]]
    steps: list[EscalationStep]
    heads: dict[int, list[User]] = field(default_factory=dict)

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(self.config.yellow_percent, self.config.red_percent)


def supervised_regions() -> list[Region]:
    """Every county (its own and its townships' departments), and every city with departments of its own
    (市直部门): no county's sweep covers those, and a city-level request must not sit unseen either."""
    counties = list(Region.objects.filter(level=Region.Level.COUNTY).order_by("path"))
    cities = list(Region.objects.filter(level=Region.Level.CITY, departments__isnull=False).distinct()
                  .order_by("path"))
    return cities + counties


def county_plan(county: Region) -> CountyPlan:
    """What a sweep needs for one county — or one city, whose own departments get its settings and chain."""
    config = supervision_settings_ensure(county=county)
    departments = (Department.objects.filter(region=county) if county.level == Region.Level.CITY
                   else Department.objects.filter(region__path__startswith=county.path))
    department_ids = list(departments.values_list("pk", flat=True))
    items_by_limit: dict[int, list[int]] = defaultdict(list)
    for pk, limit in ServiceItem.objects.filter(department_id__in=department_ids).values_list(
            "pk", "promised_limit_days"):
        items_by_limit[limit].append(pk)
    heads: dict[int, list[User]] = defaultdict(list)
    for membership in (DepartmentMembership.objects.active().filter(department_id__in=department_ids, is_head=True)
                       .select_related("user").order_by("pk")):
        heads[membership.department_id].append(membership.user)
    steps = list(selectors.escalation_step_list(county=county, active_only=True))
    return CountyPlan(county, config, department_ids, dict(items_by_limit), steps, heads)


def running_requests(department_ids: list[int]):
    return ServiceRequest.objects.filter(department_id__in=department_ids, status__in=CLOCK_RUNNING,
                                         paused_at__isnull=True)


STEP_RUNNING_STATUSES = frozenset({Status.SUBMITTED, *CLOCK_RUNNING})
