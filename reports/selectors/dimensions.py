"""The ways a report groups service requests, as database expressions, and their labels.

Each dimension gives the GROUP BY expression for a ServiceRequest reached through a prefix (""
from ServiceRequest itself, "request__" from RequestEvent) and turns the keys found back into
labels with one query. Townships and villages come from the request's own village, or its
station's village when the request has none (online requests carry the resident's village).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Expression, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Substr, TruncMonth
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.timeutil import COUNTY_TZ, end_of_day, local_date, months_between, start_of_day
from gov_services.models import Department, ServiceItem, ServiceRequest
from stations.models import TOWNSHIP_PATH_LENGTH, Region, Station


@dataclass(frozen=True)
class Period:
    """Local (Asia/Shanghai) calendar days, both ends included."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("A period cannot end before it starts.")

    def request_q(self, prefix: str = "") -> Q:
        return Q(**{f"{prefix}submitted_at__gte": start_of_day(self.start),
                    f"{prefix}submitted_at__lte": end_of_day(self.end)})

    @property
    def months(self) -> list[datetime.date]:
        """The first day of every month the period touches."""
        return months_between(self.start, self.end)


@dataclass(frozen=True)
class Dimension:
    name: str
    label: object  # lazy string: the column heading
    expression: Callable[[str], Expression]
    # keys found → {key: (label, drill value)}; the drill value is what the report's `drill_param`
    # query parameter takes to narrow to that row (a pk, a month "2026-03", a category slug).
    labels: Callable[[Iterable], dict]
    drill_param: str | None = None


def _place_path(prefix: str) -> Expression:
    return Coalesce(F(f"{prefix}village__path"), F(f"{prefix}station__village__path"))


def labels_by_pk(model, keys) -> dict:
    """{pk: (name, pk)} of the `model` rows whose pks are among `keys` (None and 0 skipped): a dimension's
    labels with the key to drill down by."""
    return {pk: (name, pk) for pk, name in model.objects.filter(pk__in=[k for k in keys if k])
            .values_list("pk", "name")}


def _department_labels(keys) -> dict:
    return labels_by_pk(Department, keys)


def _station_labels(keys) -> dict:
    return labels_by_pk(Station, keys)


def _township_labels(keys) -> dict:
    return {path: (name, pk) for path, name, pk in Region.objects.filter(path__in=[k for k in keys if k])
            .values_list("path", "name", "pk")}


def _village_labels(keys) -> dict:
    return labels_by_pk(Region, keys)


def _item_labels(keys) -> dict:
    return labels_by_pk(ServiceItem, keys)


def _month_labels(keys) -> dict:
    return {k: (f"{k:%Y-%m}", f"{k:%Y-%m}") for k in keys if k}


def _category_labels(keys) -> dict:
    names = dict(ServiceItem.Category.choices) | dict(ServiceRequest.AppealCategory.choices)
    return {k: (str(names.get(k, k)), k) for k in keys if k}


def _month_expression(prefix: str) -> Expression:
    return TruncMonth(f"{prefix}submitted_at", tzinfo=COUNTY_TZ)


DIMENSIONS: dict[str, Dimension] = {
    d.name: d for d in (
        Dimension("department", gettext_lazy("Department"), lambda p: F(f"{p}department_id"), _department_labels,
                  "department"),
        Dimension("township", gettext_lazy("Township"),
                  lambda p: Substr(_place_path(p), 1, TOWNSHIP_PATH_LENGTH), _township_labels, "township"),
        Dimension("station", gettext_lazy("Station"), lambda p: F(f"{p}station_id"), _station_labels, "station"),
        Dimension("village", gettext_lazy("Village"),
                  lambda p: Coalesce(F(f"{p}village_id"), F(f"{p}station__village_id")), _village_labels, "village"),
        Dimension("month", gettext_lazy("Month"), _month_expression, _month_labels, "month"),
        Dimension("item", gettext_lazy("Service item"), lambda p: F(f"{p}item_id"), _item_labels, "item"),
        Dimension("category", gettext_lazy("Category"),
                  lambda p: Coalesce(F(f"{p}item__category"), F(f"{p}appeal_category")), _category_labels, "category"),
    )
}


def dimension(name: str) -> Dimension:
    try:
        return DIMENSIONS[name]
    except KeyError:
        raise ValueError(f"Unknown report dimension {name!r}; use one of {sorted(DIMENSIONS)}.") from None


def month_key(value) -> datetime.date | None:
    """TruncMonth gives a datetime on PostgreSQL and SQLite alike; reports key months by their first day."""
    if value is None:
        return None
    if isinstance(value, str):  # SQLite's, read without Django's converters (aggregates.grouped_several_ways)
        value = datetime.datetime.fromisoformat(value)
    if isinstance(value, datetime.datetime):
        return local_date(value) if value.tzinfo else value.date()
    return value


def unknown_label(name: str) -> str:
    """The label of the None key: a request with no station (filed online), no place, no item."""
    return {"station": _("No station (filed online)"), "item": _("Appeal (no catalogue item)")}.get(
        name, _("Unknown"))


def filter_q(*, prefix: str = "", department_id: int | None = None, township: Region | None = None,
             station_id: int | None = None) -> Q:
    """The report's narrowing filters (on top of the scope), for ServiceRequest through `prefix`."""
    q = Q()
    if department_id:
        q &= Q(**{f"{prefix}department_id": department_id})
    if station_id:
        q &= Q(**{f"{prefix}station_id": station_id})
    if township is not None:
        # The request's village, else its station's village, lies in the township: ids, not path joins.
        villages = Region.objects.filter(path__startswith=township.path).values("pk")
        q &= Q(**{f"{prefix}village_id__in": villages}) | Q(
            **{f"{prefix}village_id__isnull": True,
               f"{prefix}station_id__in": Station.objects.filter(village__in=villages).values("pk")})
    return q


def key_aliases(dimensions) -> dict[str, str]:
    return {f"k_{name}": name for name in dimensions}


def group_values(queryset: QuerySet, dimensions, prefix: str = "", **extra) -> QuerySet:
    """`queryset.values(k_<dimension>=<expression>, …, **extra)`: the GROUP BY of an annotate().

    With no dimension a constant stands in: a bare values() would select (and group by) every column.
    """
    keys = {alias: dimension(name).expression(prefix) for alias, name in key_aliases(dimensions).items()}
    return queryset.values(**(keys or {"k_all": Value(0)}), **extra)


def row_order(row, dimensions) -> tuple:
    """Where a table's row (with keys and labels, one per dimension) sorts: months in time order, everything
    else by name; the "unknown" rows (None keys) last."""
    return tuple((k is None, str(k) if name == "month" else label)
                 for name, k, label in zip(dimensions, row.keys, row.labels, strict=True))


def row_key(row: dict, dimensions) -> tuple:
    """A grouped row's key: one value per dimension (months as the first day of the month)."""
    return tuple(month_key(row[f"k_{name}"]) if name == "month" else row[f"k_{name}"] for name in dimensions)
