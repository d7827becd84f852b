"""Store sales and the stations' commission on them, by merchant, station, township or month
(read-only over shop's order parts and their history).

A sale counts when the goods reach the resident — the part's move to collected or delivered, on the
day of that move (Beijing time) — which is also when the station's commission is posted to the till.
A return after that (collected or delivered → returned) counts on its own day, apart. The merchant's
payable is the part's goods and delivery fee less the station's commission (shop/services/settlement.py).
Scope: the serving station's (county admin: county; township admin: township; operator: their station).

`shop_sales_table` costs one GROUP BY over the part moves and one query per dimension named in the
database (merchant, station, township), whatever the number of orders.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Substr, TruncMonth
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.timeutil import COUNTY_TZ, start_of_day
from reports.selectors.dimensions import TOWNSHIP_PATH_LENGTH, Period, dimension, month_key, row_order
from reports.selectors.scope import ReportScope
from shop.models import OrderPart, OrderPartEvent
from shop.order_flow import HANDED_OVER
from stations.models import Region

DIMENSION_LABELS = {"merchant": gettext_lazy("Merchant"), "station": gettext_lazy("Station"),
                    "township": gettext_lazy("Township"), "month": gettext_lazy("Month")}
_EXPRESSIONS = {
    "merchant": lambda: F("part__partner_id"),
    "station": lambda: F("part__station_id"),
    "township": lambda: Substr(F("part__station__village__path"), 1, TOWNSHIP_PATH_LENGTH),
    "month": lambda: TruncMonth("at", tzinfo=COUNTY_TZ),
}


@dataclass(frozen=True)
class SalesFigures:
    sales: int = 0  # parts handed over
    goods_fen: int = 0
    delivery_fen: int = 0
    commission_fen: int = 0
    returns: int = 0  # parts returned after they were handed over
    returned_goods_fen: int = 0

    @property
    def merchant_payable_fen(self) -> int:
        return self.goods_fen + self.delivery_fen - self.commission_fen

    def __add__(self, other: SalesFigures) -> SalesFigures:
        return SalesFigures(*(getattr(self, n) + getattr(other, n) for n in _FIELDS))


_FIELDS = ("sales", "goods_fen", "delivery_fen", "commission_fen", "returns", "returned_goods_fen")


@dataclass(frozen=True)
class SalesRow:
    keys: tuple
    labels: tuple[str, ...]
    drill: tuple
    figures: SalesFigures


@dataclass(frozen=True)
class SalesTable:
    dimensions: tuple[str, ...]
    period: Period
    rows: list[SalesRow] = field(default_factory=list)
    total: SalesFigures = field(default_factory=SalesFigures)


def _merchant_labels(keys) -> dict:
    from shop.partner.models import Partner

    return {pk: (name, pk) for pk, name in Partner.objects.filter(pk__in=[k for k in keys if k])
            .values_list("pk", "name")}


def _labels(name: str, keys) -> dict:
    return _merchant_labels(keys) if name == "merchant" else dimension(name).labels(keys)


def shop_sales_table(*, scope: ReportScope, period: Period, dimensions: Sequence[str] = ("merchant",),
                     township: Region | None = None, station_id: int | None = None,
                     merchant_id: int | None = None) -> SalesTable:
    """Sales in `scope` over `period`, one row per combination of `dimensions` ("merchant", "station",
    "township", "month"; `()` = total only), plus the total. One query, and one per dimension named in
    the database; none when the scope holds no station."""
    dimensions = tuple(dimensions)
    unknown = [name for name in dimensions if name not in _EXPRESSIONS]
    if unknown:
        raise ValueError(f"Unknown sales dimension(s) {unknown}; use {sorted(_EXPRESSIONS)}.")
    if not (scope.everything or scope.region_paths or scope.station_ids):
        return SalesTable(dimensions=dimensions, period=period)
    q = (scope.station_q("part__station__") & Q(at__gte=start_of_day(period.start),
                                                 at__lt=start_of_day(period.end + datetime.timedelta(days=1))))
    if township is not None:
        q &= Q(part__station__village__path__startswith=township.path)
    if station_id:
        q &= Q(part__station_id=station_id)
    if merchant_id:
        q &= Q(part__partner_id=merchant_id)
    handed = Q(to_status__in=HANDED_OVER)
    returned = Q(to_status=OrderPart.Status.RETURNED, from_status__in=HANDED_OVER)
    keys = {f"k_{name}": _EXPRESSIONS[name]() for name in dimensions} or {"k_all": Value(0)}
    rows = (OrderPartEvent.objects.filter(q & (handed | returned)).values(**keys).annotate(
        sales=Count("pk", filter=handed), goods_fen=Sum("part__goods_fen", filter=handed),
        delivery_fen=Sum("part__delivery_fen", filter=handed), commission_fen=Sum("part__commission_fen", filter=handed),
        returns=Count("pk", filter=returned), returned_goods_fen=Sum("part__goods_fen", filter=returned),
    ).order_by())
    found = {tuple(month_key(r[f"k_{n}"]) if n == "month" else r[f"k_{n}"] for n in dimensions): r for r in rows}
    labels = [_labels(name, {key[i] for key in found}) for i, name in enumerate(dimensions)]
    out = []
    for key, row in found.items():
        named = [labels[i].get(k) for i, k in enumerate(key)]
        out.append(SalesRow(keys=key, labels=tuple(n[0] if n else _("Unknown") for n in named),
                            drill=tuple(n[1] if n else None for n in named),
                            figures=SalesFigures(*(int(row[n] or 0) for n in _FIELDS))))
    out.sort(key=lambda r: row_order(r, dimensions))
    total = SalesFigures()
    for row in out:
        total = total + row.figures
    return SalesTable(dimensions=dimensions, period=period, rows=out, total=total)


def merchant_choices(*, scope: ReportScope) -> list[tuple[int, str]]:
    """The merchants who ever served a station in the scope. One query."""
    from shop.partner.models import Partner

    if not (scope.everything or scope.region_paths or scope.station_ids):
        return []
    served = OrderPart.objects.filter(scope.station_q("station__")).values("partner_id")
    return list(Partner.objects.filter(pk__in=served).order_by("name").values_list("pk", "name"))
