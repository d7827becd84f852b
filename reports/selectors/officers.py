"""Per-officer figures (人机考核到人) for the reports: for each officer of the departments in scope, the approval
steps they did in the period by kind, how many of those were done by the step's own deadline, the median
working days a step they did took (started → done, on the county's calendar), and the residents' ratings of
them (set-aside ratings do not count). Steps count in the period they were done; ratings when given.

Four queries whatever the number of steps: steps by (department, officer, kind), the medians by (department,
officer), ratings by (department, officer), and the names. The requests are filtered by the report scope's
own request filter, so a head sees their departments' officers and an admin every department in the region.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import User
from core.timeutil import COUNTY_TZ, end_of_day, start_of_day
from gov_services.models import Department, Rating, RequestStep, StepKind
from gov_services.selectors.calendar import work_calendar
from reports.selectors.aggregates import PercentileCont, WorkingDayOrdinals, WorkingDays, one_decimal
from reports.selectors.dimensions import Period
from reports.selectors.scope import ReportScope

STEP_KINDS = tuple(StepKind.values)


@dataclass
class OfficerFigures:
    department: str
    officer: str
    steps: dict[str, int] = field(default_factory=dict)  # step kind → steps done
    on_time: int = 0
    median_days: Decimal | None = None
    rated: int = 0
    satisfied: int = 0

    @property
    def done(self) -> int:
        return sum(self.steps.values())

    @property
    def on_time_rate(self) -> Decimal | None:
        return _percent(self.on_time, self.done)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return _percent(self.satisfied, self.rated)


def _percent(part: int, whole: int) -> Decimal | None:
    return one_decimal(100 * part / whole) if whole else None


def _step_days(period: Period) -> WorkingDays:
    # The span covers every start a step done in the period can have (a long step, a clock set wrong).
    first = period.start - datetime.timedelta(days=400)
    last = max(period.end, timezone.localdate()) + datetime.timedelta(days=31)
    return WorkingDays(TruncDate("started_at", tzinfo=COUNTY_TZ), TruncDate("done_at", tzinfo=COUNTY_TZ),
                       ordinals=WorkingDayOrdinals(work_calendar(), first, last))


def officer_figures(*, scope: ReportScope, period: Period, department_id: int | None = None) -> list[OfficerFigures]:
    """One row per (department, officer) with steps done or ratings in the period, by department then name."""
    requests = scope.request_q("request__")
    if department_id is not None:
        requests &= Q(request__department_id=department_id)
    done = RequestStep.objects.filter(requests, done_by__isnull=False, done_at__gte=start_of_day(period.start),
                                      done_at__lte=end_of_day(period.end))
    rows: dict[tuple[int, int], dict] = {}

    def row(department, officer) -> dict:
        return rows.setdefault((department, officer), {"steps": {}, "on_time": 0})

    for department, officer, kind, n, on_time in (
            done.values_list("request__department_id", "done_by_id", "kind")
            .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(due_at__isnull=True) | Q(done_at__lte=F("due_at"))))
            .order_by()):
        entry = row(department, officer)
        entry["steps"][kind] = n
        entry["on_time"] += on_time
    for department, officer, median in (
            done.filter(started_at__isnull=False).annotate(days=_step_days(period))
            .values_list("request__department_id", "done_by_id").annotate(median=PercentileCont("days"))
            .order_by()):
        row(department, officer)["median_days"] = one_decimal(median)
    for department, officer, n, ok in (
            Rating.objects.filter(requests, officer__isnull=False, officer_score__isnull=False, set_aside=False,
                                  at__gte=start_of_day(period.start), at__lte=end_of_day(period.end))
            .values_list("request__department_id", "officer_id")
            .annotate(n=Count("pk"), ok=Count("pk", filter=Q(officer_score__in=Rating.SATISFIED_SCORES)))
            .order_by()):
        row(department, officer).update(rated=n, satisfied=ok)
    departments = dict(Department.objects.filter(pk__in={d for d, _o in rows}).values_list("pk", "name"))
    officers = {user.pk: str(user) for user in User.objects.filter(pk__in={o for _d, o in rows})}
    figures = [OfficerFigures(department=departments.get(d, ""), officer=officers.get(o, ""), **values)
               for (d, o), values in rows.items()]
    return sorted(figures, key=lambda f: (f.department, f.officer))
