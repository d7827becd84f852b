"""Assessment down to the person (人机考核到人): per-officer figures for a month, beside the department's.

Who handled a request (gov_services/requests/selectors/requests.py, `handler_expression`): its assignee, else the
officer who last moved it (accept, review, approve, refuse, return, complete). Figures per officer and
department:
* handled: requests completed in the month that they handled; on time: of those, completed by the due time;
* returned: returns for supplement they made in the month;
* rated / satisfied: residents' ratings of them given in the month (set-aside ratings do not count);
* overdue: requests they hold now, still open and past their due time.

Scope: an officer sees their own rows; a department head their department's; a county or township
admin every department of the county they supervise.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.timeutil import month_bounds
from gov_services.models import Department, DepartmentMembership, Rating, RequestEvent, ServiceRequest
from gov_services.requests.selectors.requests import handler_expression
from gov_services.requests.workflow import OPEN_STATUSES, Action
from gov_services.supervision.rules import (
    AssessmentWeights,
    OfficerFigures,
    officer_components,
    officer_score,
)
from stations.models import Region
from stations.scope import require, scope_for


@dataclass
class OfficerRow:
    department: Department
    officer: User
    figures: OfficerFigures
    components: dict
    score: object


def officer_figures(*, department_ids: list[int], month: datetime.date,
                    now: datetime.datetime | None = None) -> dict[tuple[int, int], dict]:
    """{(department id, officer id): figures} for the month. Four queries."""
    start, end = month_bounds(month)
    now = now or timezone.now()
    figures: dict[tuple[int, int], dict] = {}

    def add(department_id, officer_id, **values):
        if officer_id is not None:
            figures.setdefault((department_id, officer_id), {}).update(values)

    completed = (ServiceRequest.objects.filter(department_id__in=department_ids, completed_at__gte=start,
                                               completed_at__lt=end)
                 .annotate(handler=handler_expression()).values_list("department_id", "handler")
                 .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(due_at__isnull=True)
                                                      | Q(completed_at__lte=F("due_at"))))
                 .order_by())
    for department_id, handler, n, on_time in completed:
        add(department_id, handler, handled=n, on_time=on_time)
    for department_id, actor, n in (RequestEvent.objects.filter(
            request__department_id__in=department_ids, action=Action.RETURN_FOR_SUPPLEMENT, at__gte=start,
            at__lt=end, actor__isnull=False)
            .values_list("request__department_id", "actor_id").annotate(n=Count("pk")).order_by()):
        add(department_id, actor, returned=n)
    for department_id, officer, n, ok in (Rating.objects.filter(
            request__department_id__in=department_ids, at__gte=start, at__lt=end, set_aside=False,
            officer__isnull=False, officer_score__isnull=False)
            .values_list("request__department_id", "officer_id")
            .annotate(n=Count("pk"), ok=Count("pk", filter=Q(officer_score__in=Rating.SATISFIED_SCORES)))
            .order_by()):
        add(department_id, officer, rated=n, satisfied=ok)
    for department_id, handler, n in (ServiceRequest.objects.filter(
            department_id__in=department_ids, status__in=OPEN_STATUSES, due_at__lt=now)
            .annotate(handler=handler_expression()).values_list("department_id", "handler")
            .annotate(n=Count("pk")).order_by()):
        add(department_id, handler, overdue=n)
    return figures


def _visible_departments(user, county: Region | None) -> tuple[list[Department], set[int]]:
    """(departments whose rows the user sees, ids of those where they see only their own row)."""
    scope = scope_for(user)
    if county is not None and scope.is_county_staff:
        departments = list(Department.objects.filter(region__path__startswith=county.path).order_by("code"))
        return departments, set()
    own = set(scope.department_ids) - set(scope.head_department_ids)
    departments = list(Department.objects.filter(pk__in=set(scope.department_ids) | set(scope.head_department_ids))
                       .order_by("code"))
    return departments, own


def can_see_officer_assessment(*, user) -> bool:
    scope = scope_for(user)
    return scope.is_county_staff or bool(scope.department_ids)


def officer_assessment(*, user, month: datetime.date, county: Region | None = None,
                       weights: AssessmentWeights | None = None) -> list[OfficerRow]:
    """The month's per-officer rows the user may see, by department then best score first. Every officer
    in force in a department is listed, with zeros where they have no figures."""
    require(can_see_officer_assessment(user=user),
            _("Officers see their own figures, heads their department's, admins their region's."))
    weights = weights or AssessmentWeights()
    departments, own_only = _visible_departments(user, county)
    raw = officer_figures(department_ids=[d.pk for d in departments], month=month)
    start, end = (timezone.localdate(moment) for moment in month_bounds(month))
    members = {(m.department_id, m.user_id): m.user for m in DepartmentMembership.objects.filter(
        department__in=departments, started_on__lt=end).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=start))
        .select_related("user")}
    extra = {key for key in raw if key not in members}
    users = {u.pk: u for u in User.objects.filter(pk__in={officer for _d, officer in extra})}
    by_department = {d.pk: d for d in departments}
    rows = []
    for key in sorted(set(members) | extra):
        department_id, officer_id = key
        if department_id in own_only and officer_id != user.pk:
            continue
        officer = members.get(key) or users.get(officer_id)
        if officer is None:
            continue
        figures = OfficerFigures(**raw.get(key, {}))
        rows.append(OfficerRow(by_department[department_id], officer, figures, officer_components(figures),
                               officer_score(figures, weights)))
    rows.sort(key=lambda r: (r.department.code, r.score is None, -(r.score or 0), r.officer.username))
    return rows


def officer_scores_by_department(*, department_ids: list[int], month: datetime.date,
                                 weights: AssessmentWeights) -> dict[int, list]:
    """Each department's officers' scores for the month (for the department's combined score)."""
    scores: dict[int, list] = {pk: [] for pk in department_ids}
    for (department_id, _officer), values in officer_figures(department_ids=department_ids, month=month).items():
        scores[department_id].append(officer_score(OfficerFigures(**values), weights))
    return scores
