"""The county's published figures: what the public performance page (/performance/) shows.

Every request counts (`ReportScope.public()`), by department and by month, with the same KPI
definitions and the same tables as the staff reports (reports/selectors/gov_kpis.py). No person is
named in them.
"""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from core.page_cache import generation
from core.timeutil import end_of_day, local_date, month_end, month_start, start_of_day
from gov_services.models import FollowUp, Rating
from reports.selectors.dimensions import Period
from reports.selectors.gov_kpis import KpiTable, kpi_table, kpi_tables
from reports.selectors.scope import ReportScope

PERFORMANCE_MONTHS = (6, 12)
PERFORMANCE_CACHE_SECONDS = 60 * 60
BAD_RATINGS_SHOWN = 50
BAD_SCORES = (Rating.Score.DISSATISFIED, Rating.Score.VERY_DISSATISFIED)


def public_department_performance(*, first_month, last_month) -> KpiTable:
    """Every department, by month, over the months from `first_month` to `last_month` (any day in
    each; whole months are counted). Five queries (six when the work calendar is not cached)."""
    start, end = month_start(first_month), month_end(last_month)
    return kpi_table(scope=ReportScope.public(), period=Period(start, end), dimensions=("department", "month"))


def public_performance(*, months: int = 12, today: datetime.date | None = None) -> dict:
    """The published figures over the last `months` months (this one included): the county's total,
    each department's, the county by month, and each department by month. Cached for an hour per
    period (about fifteen queries when computed)."""
    today = today or timezone.localdate()
    first, last = month_start(today, -(months - 1)), month_start(today)
    # Under the page-cache generation too, so that a publish (or a test's fresh cache) recounts.
    key = f"reports:public-performance:{generation()}:{first:%Y%m}:{last:%Y%m}"
    figures = cache.get(key)
    if figures is None:
        period = Period(month_start(first), month_end(last))
        # The three tables from the same three queries (the requests are read once).
        by_department_month, by_department, by_month = kpi_tables(
            scope=ReportScope.public(), period=period, groupings=[("department", "month"), ("department",), ("month",)])
        months_of = {}
        for row in by_department_month.rows:
            months_of.setdefault(row.keys[0], []).append(row)
        figures = {
            "period": period, "total": by_department.total, "departments": by_department.rows,
            "months": by_month.rows, "department_months": months_of, "bad_ratings": public_bad_ratings(period=period),
        }
        cache.set(key, figures, timeout=PERFORMANCE_CACHE_SECONDS)
    return figures


def _put_right(rating: Rating) -> str:
    """How a bad rating was dealt with, in facts that name no one (the call-back's notes are not published)."""
    if rating.set_aside:
        return "set_aside"  # the county upheld the department's appeal: it does not count
    follow_up = getattr(rating.request, "follow_up", None)
    if follow_up is None or follow_up.status == FollowUp.Status.OPEN:
        return "open"
    return "called_back"


def public_bad_ratings(*, period: Period, limit: int = BAD_RATINGS_SHOWN) -> list[dict]:
    """The dissatisfied ratings (first score 1–2) of the requests received in `period`, newest first,
    and how each was put right — as the 好差评 rules require them published: department, service item
    or appeal category, month, scores and outcome; never the resident, the request or any free text."""
    first_score_bad = Q(original_score__in=BAD_SCORES) | Q(original_score__isnull=True, score__in=BAD_SCORES)
    ratings = (Rating.objects.filter(first_score_bad, request__submitted_at__gte=start_of_day(period.start),
                                     request__submitted_at__lte=end_of_day(period.end))
               .select_related("request__department", "request__item", "request__follow_up")
               .order_by("-at", "-pk")[:limit])
    return [{
        "rated_on": local_date(r.at), "department": r.request.department.name,
        "subject": r.request.item.name if r.request.item_id else r.request.get_appeal_category_display(),
        "first_score": r.get_original_score_display() if r.original_score else r.get_score_display(),
        "score_now": r.get_score_display() if r.rerated_at else "", "put_right": _put_right(r),
    } for r in ratings]
