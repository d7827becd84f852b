"""What residents ask for, where, and how often again: counts of the requests received in a period.

Every function is one GROUP BY in the database (plus one label query per named dimension); Python
only touches the grouped rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Max, Min, Q
from django.db.models.functions import Coalesce

from gov_services.models import ServiceItem, ServiceRequest
from reports.selectors.dimensions import Period, dimension, filter_q, group_values, row_key, unknown_label
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
    rows = group_values(_requests(scope, period, filters), (by,)).annotate(n=Count("pk"))
    rows = rows.order_by("k_month") if by == "month" else rows.order_by("-n", "k_" + by)
    rows = list(rows[:limit] if limit else rows)
    keys = [row_key(row, (by,))[0] for row in rows]
    labels = dimension(by).labels(set(keys))
    return [CountRow(key, labels[key][0] if key in labels else unknown_label(by), row["n"])
            for key, row in zip(keys, rows, strict=True)]


def repeat_requests(*, scope: ReportScope, period: Period, minimum: int = 3, limit: int = 50,
                    **filters) -> list[RepeatRow]:
    """Villages asking about the same topic (the same catalogue item, or appeals of the same category)
    at least `minimum` times in the period, most first. Three queries."""
    if scope.is_empty:
        return []
    village = Coalesce(F("village_id"), F("station__village_id"))
    rows = list(_requests(scope, period, filters)
                .values(v=village, item_=F("item_id"), category_=F("appeal_category"))
                .annotate(n=Count("pk"), first=Min("submitted_at"), last=Max("submitted_at"))
                .filter(n__gte=minimum).order_by("-n", "v")[:limit])
    villages = dict(Region.objects.filter(pk__in={r["v"] for r in rows}).values_list("pk", "name"))
    items = dict(ServiceItem.objects.filter(pk__in={r["item_"] for r in rows if r["item_"]})
                 .values_list("pk", "name"))
    categories = dict(ServiceRequest.AppealCategory.choices)
    return [RepeatRow(village=villages.get(r["v"], unknown_label("village")),
                      topic=items.get(r["item_"]) or str(categories.get(r["category_"], r["category_"])),
                      count=r["n"], first=r["first"], last=r["last"]) for r in rows]


def village_map(*, scope: ReportScope, period: Period, **filters) -> dict:
    """The map's data: township outlines in scope and, per village with requests, its point and count.
    A village without coordinates of its own takes its station's. Three queries."""
    if scope.is_empty:
        return {"outlines": [], "points": []}
    counts = {row.key: row.count for row in request_counts(scope=scope, period=period, by="village", **filters)
              if row.key}
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
