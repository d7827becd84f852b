"""Reads for the department assessment (人机考核): each department of a county scored for a month from its
requests, ratings, red cards and follow-ups (the rules in rules.py), the officers' share
mixed in, and ranked. Who may see it: as for the rest of supervision (selectors.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q

from core.timeutil import month_bounds
from gov_services.models import Card, Department, FollowUp, Rating, ServiceRequest, SupervisionCard
from gov_services.supervision.officer_assessment import officer_scores_by_department
from gov_services.supervision.rules import (
    AssessmentWeights,
    DepartmentFigures,
    assessment_components,
    assessment_score,
    combined_score,
)
from gov_services.supervision.selectors import require_supervision_viewer, supervision_settings_for
from stations.models import Region


@dataclass
class AssessmentRow:
    department: Department
    figures: DepartmentFigures
    components: dict
    score: object
    rank: int | None = None
    department_score: object = None  # before the officers' share is mixed in
    officers_score: object = None  # the mean of its officers' scores, where any has one


def _figures(departments: list[int], start, end) -> dict[int, dict]:
    figures: dict[int, dict] = {pk: {} for pk in departments}
    in_month = {"completed_at__gte": start, "completed_at__lt": end}
    for pk, completed, on_time in (ServiceRequest.objects.filter(department_id__in=departments, **in_month)
                                   .values_list("department_id")
                                   .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(due_at__isnull=True)
                                                                       | Q(completed_at__lte=F("due_at"))))
                                   .order_by()):
        figures[pk].update(completed=completed, on_time=on_time)
    # A rating the county set aside on appeal counts neither as rated nor as satisfied.
    for pk, rated, satisfied in (Rating.objects.filter(request__department_id__in=departments, at__gte=start,
                                                       at__lt=end, set_aside=False)
                                 .values_list("request__department_id")
                                 .annotate(n=Count("pk"), ok=Count("pk", filter=Q(score__in=Rating.SATISFIED_SCORES)))
                                 .order_by()):
        figures[pk].update(rated=rated, satisfied=satisfied)
    for pk, red in (SupervisionCard.objects.filter(department_id__in=departments, level=Card.RED,
                                                   issued_at__gte=start, issued_at__lt=end)
                    .values_list("department_id").annotate(n=Count("pk")).order_by()):
        figures[pk]["red_cards"] = red
    for pk, opened, done in (FollowUp.objects.filter(request__department_id__in=departments, opened_at__gte=start,
                                                     opened_at__lt=end)
                             .values_list("request__department_id")
                             .annotate(n=Count("pk"), done=Count("pk", filter=Q(status=FollowUp.Status.DONE)))
                             .order_by()):
        figures[pk].update(follow_ups=opened, follow_ups_done=done)
    return figures


def department_assessment(*, user, county: Region, month: datetime.date) -> list[AssessmentRow]:
    """Every department of the county for `month`: figures, components, score, and rank (best first;
    equal scores share a rank; departments without a score come last, unranked). Five queries."""
    require_supervision_viewer(user=user)
    config = supervision_settings_for(county=county)
    weights = AssessmentWeights(on_time=config.weight_on_time, satisfaction=config.weight_satisfaction,
                                red_cards=config.weight_red_cards, follow_ups=config.weight_follow_ups)
    departments = list(Department.objects.filter(region__path__startswith=county.path).order_by("code"))
    start, end = month_bounds(month)
    raw = _figures([d.pk for d in departments], start, end)
    officers = (officer_scores_by_department(department_ids=[d.pk for d in departments], month=month,
                                             weights=weights) if config.officer_share else {})
    rows = []
    for department in departments:
        figures = DepartmentFigures(**raw[department.pk])
        own = assessment_score(figures, weights)
        scored = [score for score in officers.get(department.pk, []) if score is not None]
        mean = combined_score(None, scored, officer_share=100) if scored else None
        rows.append(AssessmentRow(department, figures, assessment_components(figures),
                                  combined_score(own, scored, officer_share=config.officer_share),
                                  department_score=own, officers_score=mean))
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), r.department.code))
    previous, rank = None, 0
    for position, row in enumerate(rows, start=1):
        if row.score is None:
            break
        if row.score != previous:
            rank, previous = position, row.score
        row.rank = rank
    return rows
