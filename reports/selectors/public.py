"""The county's published figures: what the public performance page (/performance/) shows.

Every request counts (`ReportScope.public()`), by department and by month, with the same KPI
definitions and the same tables as the staff reports (reports/selectors/gov_kpis.py). No person is
named in them.
"""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.utils import timezone

from core.page_cache import generation
from core.timeutil import month_end, month_start
from reports.selectors.dimensions import Period
from reports.selectors.gov_kpis import KpiTable, kpi_table, kpi_tables
from reports.selectors.scope import ReportScope

PERFORMANCE_MONTHS = (6, 12)
PERFORMANCE_CACHE_SECONDS = 60 * 60


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
            "months": by_month.rows, "department_months": months_of,
        }
        cache.set(key, figures, timeout=PERFORMANCE_CACHE_SECONDS)
    return figures
