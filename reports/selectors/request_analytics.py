"""What residents ask for, where, and how often again: counts of the requests received in a period.

Every function is one GROUP BY in the database (plus one label query per named dimension); Python
only touches the grouped rows. With settings.REPORTS_READ_ROLLUPS the GROUP BY reads the daily request
rollups (reports/rollups.py: a row's `received` requests, their first and last submission), otherwise the
requests; both give the same figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Max, Min, Q, Sum
from django.db.models.functions import Coalesce

from gov_services.models import ServiceItem, ServiceRequest
from reports.selectors.aggregates import grouped_several_ways
from reports.selectors.dimensions import Period, dimension, filter_q, group_values, row_key, unknown_label
from reports.selectors.gov_kpis import rollup_key, rollup_rows
from reports.selectors.scope import ReportScope
from stations import geo
from stations.models import Region


@dataclass(frozen=True)
class CountRow:
    key: object
    label: str
    count: int


@dataclass(frozen=True)
class RepeatRow:
    village: str
    topic: str
    count: int
    first: object
    last: object


def _requests(scope: ReportScope, period: Period, filters: dict):
    return ServiceRequest.objects.filter(scope.request_q(), period.request_q(), filter_q(**filters))


def request_counts(*, scope: ReportScope, period: Period, by: str, limit: int | None = None,
                   **filters) -> list[CountRow]:
    """Requests received per `by` ("category", "item", "station", "village", "township", "month",
    "department"), most first (months in time order). Two queries (one for months and categories)."""
    if scope.is_empty:
        return []
    if settings.REPORTS_READ_ROLLUPS:
        rows = rollup_rows(scope=scope, period=period, **filters).values(**{f"k_{by}": rollup_key(by)}).annotate(
            n=Sum("received"))
    else:
        rows = group_values(_requests(scope, period, filters), (by,)).annotate(n=Count("pk"))
    rows = rows.order_by("k_month") if by == "month" else rows.order_by("-n", "k_" + by)
    rows = list(rows[:limit] if limit else rows)
    keys = [row_key(row, (by,))[0] for row in rows]
    labels = dimension(by).labels(set(keys))
    return [CountRow(key, labels[key][0] if key in labels else unknown_label(by), row["n"])
            for key, row in zip(keys, rows, strict=True)]


def request_counts_by(*, scope: ReportScope, period: Period, by: Sequence[str],
                      limits: dict[str, int] | None = None, **filters) -> dict[str, list[CountRow]]:
    """`request_counts` for each dimension of `by`, from one read of the requests (grouped once per
    dimension, reports/selectors/aggregates.py), in the same order, each cut to its limit in `limits`.
    One query, and one label query per dimension named in the database."""
    if scope.is_empty:
        return {name: [] for name in by}
    if settings.REPORTS_READ_ROLLUPS:
        grouped = grouped_several_ways(rollup_rows(scope=scope, period=period, **filters),
                                       [(f"k_{name}",) for name in by], {f"k_{name}": rollup_key(name) for name in by},
                                       {"c_received": F("received")}, {"n": ("sum", "c_received")})
    else:
        grouped = grouped_several_ways(_requests(scope, period, filters), [(f"k_{name}",) for name in by],
                                       {f"k_{name}": dimension(name).expression("") for name in by}, {},
                                       {"n": ("count", None)})
    out = {}
    for name, rows in zip(by, grouped, strict=True):
        counted = [(row_key(row, (name,))[0], row["n"]) for row in rows]
        # As request_counts orders them: months in time order, the rest most first, then by key; None last.
        if name == "month":
            counted.sort(key=lambda pair: (pair[0] is None, pair[0] or 0))
        else:
            counted.sort(key=lambda pair: (-pair[1], pair[0] is None, pair[0] if pair[0] is not None else 0))
        counted = counted[:(limits or {}).get(name)]
        labels = dimension(name).labels({key for key, _n in counted})
        out[name] = [CountRow(key, labels[key][0] if key in labels else unknown_label(name), n)
                     for key, n in counted]
    return out


def repeat_requests(*, scope: ReportScope, period: Period, minimum: int = 3, limit: int = 50,
                    **filters) -> list[RepeatRow]:
    """Villages asking about the same topic (the same catalogue item, or appeals of the same category)
    at least `minimum` times in the period, most first. Three queries."""
    if scope.is_empty:
        return []
    village = Coalesce(F("village_id"), F("station__village_id"))
    if settings.REPORTS_READ_ROLLUPS:
        rows = (rollup_rows(scope=scope, period=period, **filters)
                .values(v=village, item_=F("item_id"), category_=F("appeal_category"))
                .annotate(n=Sum("received"), first=Min("first_at"), last=Max("last_at")))
    else:
        rows = (_requests(scope, period, filters)
                .values(v=village, item_=F("item_id"), category_=F("appeal_category"))
                .annotate(n=Count("pk"), first=Min("submitted_at"), last=Max("submitted_at")))
    rows = list(rows.filter(n__gte=minimum).order_by("-n", "v")[:limit])
    villages = dict(Region.objects.filter(pk__in={r["v"] for r in rows}).values_list("pk", "name"))
    items = dict(ServiceItem.objects.filter(pk__in={r["item_"] for r in rows if r["item_"]})
                 .values_list("pk", "name"))
    categories = dict(ServiceRequest.AppealCategory.choices)
    return [RepeatRow(village=villages.get(r["v"], unknown_label("village")),
                      topic=items.get(r["item_"]) or str(categories.get(r["category_"], r["category_"])),
                      count=r["n"], first=r["first"], last=r["last"]) for r in rows]


def village_map(*, scope: ReportScope, period: Period, village_counts: list[CountRow] | None = None,
                **filters) -> dict:
    """The map's data: township outlines in scope and, per village with requests, its point and count.
    A village without coordinates of its own takes its station's. Three queries (two when given every
    village's count, `request_counts(by="village")`, already)."""
    if scope.is_empty:
        return {"outlines": [], "points": []}
    if village_counts is None:
        village_counts = request_counts(scope=scope, period=period, by="village", **filters)
    counts = {row.key: row.count for row in village_counts if row.key}
    villages = Region.objects.filter(pk__in=counts).values("pk", "name", "latitude", "longitude",
                                                           "stations__latitude", "stations__longitude")
    points, seen = [], set()
    for v in villages:
        lat, lng = v["latitude"] or v["stations__latitude"], v["longitude"] or v["stations__longitude"]
        if v["pk"] in seen or lat is None or lng is None:
            continue
        seen.add(v["pk"])
        points.append((v["name"], lng, lat, counts[v["pk"]]))
    townships = Region.objects.filter(level=Region.Level.TOWNSHIP).exclude(boundary=[])
    if not scope.everything:
        inside = Q(pk__in=[])
        for path in scope.region_paths:
            inside |= Q(path__startswith=path)
        townships = townships.filter(inside) if scope.region_paths else townships.none()
    outlines = [(name, geo.outer_ring(boundary)) for name, boundary in townships.values_list("name", "boundary")]
    return {"outlines": outlines, "points": points}
