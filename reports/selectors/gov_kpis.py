"""Government-service KPI tables: the counts of reports/kpis.py, aggregated in the database.

`kpi_tables` gives several tables over the same requests (a report page's table and its monthly
trend, say) at the cost of one: three queries whatever the number of requests, rows or tables — one
over the requests (with their rating and follow-up, one-to-one joins) that counts them and takes each
row's and the total's median working days to complete in the database, one over their "returned for
supplement" events, one over their supervision cards; each reads its rows once and groups them once
per table (reports/selectors/aggregates.py's `grouped_several_ways`) — and one label query per
dimension. Python then only touches the grouped rows, never a request.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from core.timeutil import COUNTY_TZ
from gov_services.models import Card, Rating, RequestEvent, ServiceRequest, SupervisionCard
from gov_services.requests.workflow import Action
from gov_services.selectors.calendar import work_calendar
from reports.kpis import Kpis, kpis_from_counts, weighted_median
from reports.models import RequestRollup
from reports.selectors.aggregates import WorkingDayOrdinals, WorkingDays, grouped_several_ways, one_decimal
from reports.selectors.dimensions import Period, dimension, filter_q, row_key, row_order, unknown_label
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


def _one(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _keys(names: set[str], prefix: str, *, department=None) -> dict:
    return {f"k_{name}": (department if name == "department" and department is not None
                          else dimension(name).expression(prefix)) for name in sorted(names)}


def _aliases(groupings) -> list[tuple[str, ...]]:
    return [tuple(f"k_{name}" for name in grouping) for grouping in groupings]


def _keyed(rows: list[dict], dimensions: Sequence[str]) -> dict[tuple, dict]:
    return {row_key(row, dimensions): row for row in rows}


def _request_counts(cohort: Q, dimensions: Sequence[str]) -> dict[tuple, dict]:
    """The counts (no median) of the requests matching `cohort`, by `dimensions`. One query."""
    return _grouped_request_counts(cohort, [tuple(dimensions)], None)[0]


def _grouped_request_counts(cohort: Q, groupings, days: WorkingDays | None) -> list[dict[tuple, dict]]:
    names = {name for grouping in groupings for name in grouping}
    columns = {
        "c_accepted": _one(Q(accepted_at__isnull=False)),
        "c_completed": _one(Q(completed_at__isnull=False)),
        "c_on_time": _one(Q(completed_at__isnull=False, due_at__isnull=False, completed_at__lte=F("due_at"))),
        # A rating the county set aside on appeal counts neither as rated nor as satisfied.
        "c_rated": _one(Q(rating__set_aside=False)),
        "c_satisfied": _one(Q(rating__score__in=Rating.SATISFIED_SCORES, rating__set_aside=False)),
        "c_follow_up": _one(Q(follow_up__isnull=False)),
    }
    # Rating and follow-up are one-to-one: the joins never repeat a request, so the median is over each
    # completed request once (an open request's days are NULL, which it ignores).
    if days is not None:
        columns["c_days"] = days
    aggregates = {"received": ("count", None), "accepted": ("sum", "c_accepted"),
                  "completed": ("sum", "c_completed"), "completed_on_time": ("sum", "c_on_time"),
                  "rated": ("sum", "c_rated"), "satisfied": ("sum", "c_satisfied"),
                  "follow_ups": ("sum", "c_follow_up")}
    if days is not None:
        aggregates["median_days"] = ("median", "c_days")
    grouped = grouped_several_ways(ServiceRequest.objects.filter(cohort), _aliases(groupings), _keys(names, ""),
                                   columns, aggregates)
    return [_keyed(rows, grouping) for rows, grouping in zip(grouped, groupings, strict=True)]


def _return_counts(cohort_via_request: Q, groupings) -> list[dict[tuple, int]]:
    names = {name for grouping in groupings for name in grouping}
    grouped = grouped_several_ways(
        RequestEvent.objects.filter(cohort_via_request, action=Action.RETURN_FOR_SUPPLEMENT), _aliases(groupings),
        _keys(names, "request__"), {}, {"n": ("count", None)})
    return [{key: row["n"] for key, row in _keyed(rows, grouping).items()}
            for rows, grouping in zip(grouped, groupings, strict=True)]


def _card_counts(cohort_via_request: Q, groupings) -> list[dict[tuple, dict]]:
    """Yellow and red supervision cards (gov_services' SupervisionCard) of the cohort's requests.

    A card is counted with the request it was issued on, so it falls in the same period as the request
    (the cohort: requests received in the period). By department, a card counts against the department
    that held the request when the card was issued (SupervisionCard.department), not the one holding it
    now: a request rerouted after its red card does not move the card."""
    names = {name for grouping in groupings for name in grouping}
    grouped = grouped_several_ways(
        SupervisionCard.objects.filter(cohort_via_request), _aliases(groupings),
        _keys(names, "request__", department=F("department_id")),
        {"c_yellow": _one(Q(level=Card.YELLOW)), "c_red": _one(Q(level=Card.RED))},
        {"yellow_cards": ("sum", "c_yellow"), "red_cards": ("sum", "c_red")})
    return [_keyed(rows, grouping) for rows, grouping in zip(grouped, groupings, strict=True)]


def days_to_complete(period: Period) -> WorkingDays:
    """Working days from a request's local submission day to its completion day (NULL while open)."""
    # The span covers every completion day a cohort can have: a month before the period (a clock set
    # wrong) to a year and a half after today or the period's end.
    first = period.start - datetime.timedelta(days=31)
    last = max(period.end, timezone.localdate()) + datetime.timedelta(days=550)
    return WorkingDays(TruncDate("submitted_at", tzinfo=COUNTY_TZ), TruncDate("completed_at", tzinfo=COUNTY_TZ),
                       ordinals=WorkingDayOrdinals(work_calendar(), first, last))


def rollup_rows(*, scope: ReportScope, period: Period, **filters):
    """The RequestRollup rows of the requests received in `period` within `scope`, narrowed by the filters:
    the scope module's place rule and the report filters read a rollup row as they read a request (the
    same village, station and department columns)."""
    return RequestRollup.objects.filter(scope.request_q(), Q(day__gte=period.start, day__lte=period.end),
                                        filter_q(**filters))


def rollup_key(name: str):
    """A dimension's GROUP BY expression over RequestRollup: a request's, with the local day for the month."""
    return TruncMonth("day") if name == "month" else dimension(name).expression("")


def _rollup_counts(*, scope: ReportScope, period: Period, groupings, filters: dict):
    """`_grouped_request_counts` (with the medians) and `_return_counts` from the daily rollups, one query:
    each grouping is also grouped by the working days to complete (NULL while open), the exact histogram
    the median is read from."""
    names = {name for grouping in groupings for name in grouping}
    days = days_to_complete(period)
    keys = {f"k_{name}": rollup_key(name) for name in sorted(names)}
    keys["c_days"] = WorkingDays(F("day"), F("completed_day"), ordinals=days.ordinals)
    columns = {f"c_{name}": F(name) for name in _ROLLUP_COUNTS}
    # Every grouping splits the rows without overlap, and sums and histograms add up: the total is read
    # from the first grouping's rows rather than grouped again.
    read = [grouping for grouping in groupings if grouping] or [()]
    grouped = dict(zip(read, grouped_several_ways(rollup_rows(scope=scope, period=period, **filters),
                                                  [(*alias, "c_days") for alias in _aliases(read)], keys, columns,
                                                  {name: ("sum", f"c_{name}") for name in _ROLLUP_COUNTS}),
                       strict=True))
    counts_out, returns_out = [], []
    for grouping in groupings:
        rows = grouped.get(grouping) or grouped[read[0]]
        sums: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
        histograms: dict[tuple, list] = defaultdict(list)
        for row in rows:
            key = row_key(row, grouping)
            for name in _ROLLUP_COUNTS:
                sums[key][name] += int(row[name] or 0)
            if row["c_days"] is not None and row["completed"]:
                histograms[key].append((int(row["c_days"]), int(row["completed"])))
        counts_out.append({key: {**{n: v for n, v in figures.items() if n != "returns"},
                                 "median_days": weighted_median(histograms[key])}
                           for key, figures in sums.items()})
        returns_out.append({key: figures["returns"] for key, figures in sums.items()})
    return counts_out, returns_out


_ROLLUP_COUNTS = ("received", "accepted", "completed", "completed_on_time", "rated", "satisfied", "follow_ups",
                  "returns")


def _labels(dimensions: Sequence[str], keys: set[tuple]) -> list[dict]:
    return [dimension(name).labels({key[i] for key in keys}) for i, name in enumerate(dimensions)]


def _kpis(counts: dict, returns: int, cards: dict) -> Kpis:
    row_counts = {k: v for k, v in counts.items() if k != "median_days"} | {"returns": returns, **cards}
    return kpis_from_counts(row_counts, median=one_decimal(counts.get("median_days")))


def kpi_tables(*, scope: ReportScope, period: Period, groupings: Sequence[Sequence[str]],
               department_id: int | None = None, township: Region | None = None,
               station_id: int | None = None) -> list[KpiTable]:
    """The KPIs of the requests received in `period` within `scope` (narrowed by the filters), as one
    table per grouping: a grouping is a tuple of dimensions ("department", "township", "station",
    "village", "month", "item", "category"), one row per combination, plus the total (`()`: the total
    only). Three queries for all the tables together, one more per dimension named in the database
    (all but month and category), one more when the work calendar is not cached; none when the scope
    is empty."""
    groupings = [tuple(grouping) for grouping in groupings]
    for grouping in groupings:
        for name in grouping:
            dimension(name)  # unknown names fail before any query
    if scope.is_empty:
        return [KpiTable(dimensions=grouping, period=period) for grouping in groupings]
    filters = {"department_id": department_id, "township": township, "station_id": station_id}
    cohort = _cohort_q(scope=scope, period=period, **filters)
    via_request = _cohort_q(scope=scope, period=period, prefix="request__", **filters)
    asked = [*groupings, ()]  # and the total
    if settings.REPORTS_READ_ROLLUPS:  # the daily rollups: counts, returns and medians in one query
        counts, returns = _rollup_counts(scope=scope, period=period, groupings=asked, filters=filters)
    else:  # the same figures from the requests themselves
        counts = _grouped_request_counts(cohort, asked, days_to_complete(period))
        returns = _return_counts(via_request, asked)
    cards = _card_counts(via_request, asked)
    total = _kpis(counts[-1].get((), {}), returns[-1].get((), 0), cards[-1].get((), {}))
    # One label query per dimension, for the keys of every table that has it.
    keys_of: dict[str, set] = defaultdict(set)
    for i, dimensions in enumerate(groupings):
        for key in set(counts[i]) | set(cards[i]):
            for name, k in zip(dimensions, key, strict=True):
                keys_of[name].add(k)
    labels_of = {name: dimension(name).labels(keys) for name, keys in keys_of.items()}
    tables = []
    for i, dimensions in enumerate(groupings):
        keys = set(counts[i]) | set(cards[i])  # a card may count against a department no longer holding it
        rows = []
        for key in keys:
            named = [labels_of[name].get(k) for name, k in zip(dimensions, key, strict=True)]
            rows.append(KpiRow(
                keys=key,
                labels=tuple(n[0] if n else unknown_label(dimensions[d]) for d, n in enumerate(named)),
                drill=tuple(n[1] if n else None for n in named),
                kpis=_kpis(counts[i].get(key, {}), returns[i].get(key, 0), cards[i].get(key, {}))))
        rows.sort(key=lambda r, dimensions=dimensions: row_order(r, dimensions))
        tables.append(KpiTable(dimensions=dimensions, period=period, rows=rows, total=total))
    return tables


def kpi_table(*, scope: ReportScope, period: Period, dimensions: Sequence[str] = ("department",),
              **filters) -> KpiTable:
    """One table of `kpi_tables`: by `dimensions`, plus the total; `dimensions=()` gives the total only.
    Three queries, and one per dimension named in the database."""
    return kpi_tables(scope=scope, period=period, groupings=[tuple(dimensions)], **filters)[0]


def kpi_totals(*, scope: ReportScope, period: Period, **filters) -> Kpis:
    """The KPIs over the whole scope and period: `kpi_table(dimensions=())`'s total. Three queries."""
    return kpi_table(scope=scope, period=period, dimensions=(), **filters).total
