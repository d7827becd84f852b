"""The merchant's orders as their own screens show them, and the county's scoped view of them.

Each row is an order part (shop/models/orders.py): the lines of one order that one merchant fills.
Scoped by shop/selectors/orders.py (stations/scope): a merchant sees their own parts, an admin the
parts of stations in their region.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet
from oscar.core.loading import get_model

from shop.models import OrderPart
from shop.selectors.orders import order_part_list
from stations.scope import get_in_scope, scope_for

Line = get_model("order", "Line")
Status = OrderPart.Status

# The list's tabs: what the merchant has to do next, then what is on its way, then the rest.
TABS = {
    "todo": (Status.PLACED, Status.CONFIRMED),
    "moving": (Status.SENT, Status.READY),
    "done": (Status.COLLECTED, Status.DELIVERED, Status.CANCELLED, Status.RETURNED, Status.REFUNDED),
}
# Goods still to be packed: a part the merchant has not sent yet.
TO_PREPARE = (Status.PLACED, Status.CONFIRMED)


def _with_lines(parts: QuerySet, partner_ids) -> QuerySet:
    lines = Line.objects.filter(partner_id__in=list(partner_ids)).order_by("pk")
    return parts.select_related("station__village").prefetch_related(
        Prefetch("order__lines", queryset=lines, to_attr="merchant_lines"))


def merchant_part_list(*, user, tab: str = "todo") -> QuerySet[OrderPart]:
    """The merchant's own parts in `tab`, oldest first where work waits, newest first for the rest."""
    scope = scope_for(user)
    parts = order_part_list(user=user).filter(partner_id__in=scope.partner_ids)
    parts = parts.filter(status__in=TABS.get(tab, TABS["todo"]))
    parts = parts.order_by("created_at") if tab != "done" else parts.order_by("-updated_at")
    return _with_lines(parts, scope.partner_ids)


def access_merchant_part_by_id(*, user, part_id: int) -> OrderPart:
    scope = scope_for(user)
    parts = order_part_list(user=user).filter(partner_id__in=scope.partner_ids)
    return get_in_scope(_with_lines(parts, scope.partner_ids), pk=part_id)


def merchant_tab_counts(*, user) -> dict[str, int]:
    parts = OrderPart.objects.filter(partner_id__in=scope_for(user).partner_ids).order_by()
    by_status = dict(parts.values("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {tab: sum(by_status.get(status, 0) for status in statuses) for tab, statuses in TABS.items()}


@dataclass
class StationPacking:
    """What to pack for one station: each product's total quantity over the parts not sent yet."""

    station: object
    items: list[tuple[str, int]] = field(default_factory=list)
    references: list[str] = field(default_factory=list)


def packing_list(parts) -> list[StationPacking]:
    """From parts fetched with merchant_part_list: goods to prepare, grouped by the station they go to."""
    by_station: dict[int, StationPacking] = {}
    quantities: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for part in parts:
        if part.status not in TO_PREPARE:
            continue
        packing = by_station.setdefault(part.station_id, StationPacking(part.station))
        packing.references.append(part.reference)
        for line in part.order.merchant_lines:
            quantities[part.station_id][line.title] += line.quantity
    for station_id, packing in by_station.items():
        packing.items = sorted(quantities[station_id].items())
    return sorted(by_station.values(), key=lambda p: p.station.name)


def county_part_list(*, user, status: str = "") -> QuerySet[OrderPart]:
    """Admins: every part of the stations in their region (order_part_list's scope), newest first."""
    parts = order_part_list(user=user).select_related("station__village")
    if status in Status.values:
        parts = parts.filter(status=status)
    return parts.order_by("-created_at")
