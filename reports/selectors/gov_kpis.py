"""Government-service KPI tables: the counts of reports/kpis.py, aggregated in the database.

`kpi_table` costs a fixed number of queries whatever the number of requests or rows: one GROUP BY
over the requests (with their rating and follow-up, one-to-one joins) that also takes each row's
median working days to complete in the database (reports/selectors/aggregates.py), one over their
"returned for supplement" events, one over their supervision cards, one for the total's median, and
one per dimension for the labels. Python then only touches the grouped rows, never a request.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from core.timeutil import COUNTY_TZ
from gov_services.models import Rating, RequestEvent, ServiceRequest
from gov_services.selectors.calendar import work_calendar
from gov_services.workflow import Action
from reports.kpis import Kpis, kpis_from_counts
from reports.selectors.aggregates import PercentileCont, WorkingDayOrdinals, WorkingDays, one_decimal
from reports.selectors.cards import card_counts
from reports.selectors.dimensions import Period, dimension, filter_q, group_values, row_key, unknown_label
from reports.selectors.scope import ReportScope
from stations.models import Region


@dataclass(frozen=True)
class KpiRow:
    keys: tuple
    labels: tuple[str, ...]
    drill: tuple  # per dimension: the value of its drill-down query parameter (None: no drill-down)
    kpis: Kpis


@dataclass(frozen=True)
class KpiTable:
    dimensions: tuple[str, ...]
    period: Period
    rows: list[KpiRow] = field(default_factory=list)
    total: Kpis = field(default_factory=Kpis)


def _cohort_q(*, scope: ReportScope, period: Period, prefix: str = "", **filters) -> Q:
    return scope.request_q(prefix) & period.request_q(prefix) & filter_q(prefix=prefix, **filters)


def _request_counts(cohort: Q, dimensions: Sequence[str], days: WorkingDays) -> dict[tuple, dict]:
    rows = group_values(ServiceRequest.objects.filter(cohort), dimensions).annotate(
        received=Count("pk"),
        accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
        completed=Count("pk", filter=Q(completed_at__isnull=False)),
        completed_on_time=Count("pk", filter=Q(completed_at__isnull=False, due_at__isnull=False,
                                               completed_at__lte=F("due_at"))),
        # A rating the county set aside on appeal counts neither as rated nor as satisfied.
        rated=Count("rating", filter=Q(rating__set_aside=False)),
        satisfied=Count("rating", filter=Q(rating__score__in=Rating.SATISFIED_SCORES, rating__set_aside=False)),
        follow_ups=Count("follow_up"),
        # Rating and follow-up are one-to-one: the joins never repeat a request, so the median is
        # over each completed request once (an open request's days are NULL, which it ignores).
        median_days=_median_days(days),
    ).order_by()
    return {row_key(row, dimensions): row for row in rows}


def _return_counts(cohort_via_request: Q, dimensions: Sequence[str]) -> dict[tuple, int]:
    rows = (group_values(RequestEvent.objects.filter(cohort_via_request, action=Action.RETURN_FOR_SUPPLEMENT),
                   dimensions, prefix="request__")
            .annotate(n=Count("pk")).order_by())
    return {row_key(row, dimensions): row["n"] for row in rows}


def days_to_complete(period: Period) -> WorkingDays:
    """Working days from a request's local submission day to its completion day (NULL while open)."""
    # The span covers every completion day a cohort can have: a month before the period (a clock set
    # wrong) to a year and a half after today or the period's end.
    first = period.start - datetime.timedelta(days=31)
    last = max(period.end, timezone.localdate()) + datetime.timedelta(days=550)
    return WorkingDays(TruncDate("submitted_at", tzinfo=COUNTY_TZ), TruncDate("completed_at", tzinfo=COUNTY_TZ),
                       ordinals=WorkingDayOrdinals(work_calendar(), first, last))


def _median_days(days: WorkingDays) -> PercentileCont:
    return PercentileCont(days, 0.5)


def _total_median(cohort: Q, days: WorkingDays) -> Decimal | None:
    row = ServiceRequest.objects.filter(cohort, completed_at__isnull=False).aggregate(
        median=_median_days(days))
    return one_decimal(row["median"])


def _labels(dimensions: Sequence[str], keys: set[tuple]) -> list[dict]:
    return [dimension(name).labels({key[i] for key in keys}) for i, name in enumerate(dimensions)]


def _sort_key(row: KpiRow, dimensions: Sequence[str]):
    # Months in time order, everything else by name; the "unknown" rows (None keys) last.
    return tuple((k is None, str(k) if name == "month" else label)
                 for name, k, label in zip(dimensions, row.keys, row.labels, strict=True))


def kpi_table(*, scope: ReportScope, period: Period, dimensions: Sequence[str] = ("department",),
              department_id: int | None = None, township: Region | None = None,
              station_id: int | None = None, median_total: bool = True) -> KpiTable:
    """The KPIs of the requests received in `period` within `scope` (narrowed by the filters), one row
    per combination of `dimensions` ("department", "township", "station", "village", "month", "item",
    "category"), plus the total. `dimensions=()` gives the total only.

    Queries: one GROUP BY over the requests (counts and each row's median, in the database), one over
    the returns, one over the supervision cards, one for the total's median (none with no dimension, or
    with `median_total=False` when the caller has that total already: the total's median is then None),
    and one per dimension named in the database (all but month and category); one more when the work
    calendar is not cached; none when the scope is empty."""
    dimensions = tuple(dimensions)
    for name in dimensions:
        dimension(name)  # unknown names fail before any query
    if scope.is_empty:
        return KpiTable(dimensions=dimensions, period=period)
    filters = {"department_id": department_id, "township": township, "station_id": station_id}
    cohort = _cohort_q(scope=scope, period=period, **filters)
    via_request = _cohort_q(scope=scope, period=period, prefix="request__", **filters)
    days = days_to_complete(period)
    counts = _request_counts(cohort, dimensions, days)
    returns = _return_counts(via_request, dimensions)
    cards = card_counts(via_request, dimensions)

    keys = set(counts) | set(cards)  # a card may count against a department that no longer holds the request
    labels = _labels(dimensions, keys) if dimensions else []
    rows = []
    for key in keys:
        row_counts = counts.get(key, {}) | {"returns": returns.get(key, 0), **cards.get(key, {})}
        named = [labels[i].get(k) for i, k in enumerate(key)]
        rows.append(KpiRow(
            keys=key,
            labels=tuple(n[0] if n else unknown_label(dimensions[i]) for i, n in enumerate(named)),
            drill=tuple(n[1] if n else None for n in named),
            kpis=kpis_from_counts(row_counts, median=one_decimal(counts.get(key, {}).get("median_days")))))
    rows.sort(key=lambda r: _sort_key(r, dimensions))
    if not dimensions:
        median = rows[0].kpis.median_days_to_complete if rows else None
    elif median_total and rows:
        median = _total_median(cohort, days)
    else:
        median = None
    return KpiTable(dimensions=dimensions, period=period, rows=rows, total=_total(rows, median))


def _total(rows: list[KpiRow], median: Decimal | None) -> Kpis:
    """Counts add up across rows (each request lies in exactly one); the median is taken again over
    every request of the table (in the database), never averaged."""
    sums: dict[str, int] = defaultdict(int)
    for row in rows:
        for name, value in row.kpis.as_dict().items():
            if isinstance(value, int):
                sums[name] += value
    return kpis_from_counts(sums, median=median)


def kpi_totals(*, scope: ReportScope, period: Period, **filters) -> Kpis:
    """The KPIs over the whole scope and period: `kpi_table(dimensions=())`'s total. Three queries."""
    return kpi_table(scope=scope, period=period, dimensions=(), **filters).total
