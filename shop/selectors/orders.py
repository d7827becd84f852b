"""Reads of order parts, scoped (stations/scope): a merchant sees their own parts, an operator the
parcels of their station, a resident their own orders, admins everything in their region; a part out
of scope is a 404, as a missing one."""

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from oscar.core.loading import get_model

from accounts.roles import Role
from shop import order_flow
from shop.models import OrderPart
from shop.order_flow import Actor
from stations.scope import get_in_scope, grants_q, scope_for

Order = get_model("order", "Order")
Status = OrderPart.Status


def order_part_list(*, user) -> QuerySet[OrderPart]:
    """Every part `user` may see."""
    parts = OrderPart.objects.select_related("order", "partner", "station", "order__fulfilment")
    return scope_for(user).filter(parts, partner="partner_id", owner="order__user_id",
                                  place="station__village__path", station="station_id",
                                  station_roles=(Role.OPERATOR,))


def access_order_part_by_id(*, user, part_id: int) -> OrderPart:
    return get_in_scope(order_part_list(user=user), pk=part_id)


def payable_order_list(*, user, placed_here: Iterable[str] = ()) -> QuerySet:
    """The orders `user` may pay for: their account's own (only those, whatever their posts: paying is the
    shopper's business) and those placed in this browser (`placed_here`: a guest's)."""
    own = grants_q(user_id=scope_for(user).user_id, owner="user_id")
    return Order.objects.filter(own | Q(number__in=[str(number) for number in placed_here]))


def access_payable_order_by_number(*, user, number: str, placed_here: Iterable[str] = ()):
    return get_in_scope(payable_order_list(user=user, placed_here=placed_here), number=number)


def station_parcels(*, user) -> dict:
    """The operator's counter: parcels on their way, waiting for pick-up, and recently handed over."""
    station = scope_for(user).till_station  # the station they operate (not one where they are a liaison)
    parts = OrderPart.objects.filter(station=station, method="pickup").select_related(
        "order", "partner", "order__fulfilment")
    return {
        "station": station,
        "arriving": parts.filter(status__in=[Status.CONFIRMED, Status.SENT]).order_by("created_at"),
        "waiting": parts.filter(status=Status.READY).order_by("updated_at"),
        "done": parts.filter(status__in=[Status.COLLECTED, Status.RETURNED]).order_by("-updated_at")[:20],
    }


def resident_order_parts(*, order) -> QuerySet[OrderPart]:
    return order.parts.select_related("partner", "station").order_by("reference")


def actor_kinds(*, user, part: OrderPart) -> list[Actor]:
    """In which capacities `user` may act on `part`: its merchant, its station's operator, an admin."""
    scope = scope_for(user)
    kinds = []
    if scope.sells_as(part.partner_id):
        kinds.append(Actor.MERCHANT)
    if scope.operates(part.station_id):
        kinds.append(Actor.OPERATOR)
    if scope.everything or (user.has_perm("shop.change_merchant") and scope.covers(part.station.village.path)):
        kinds.append(Actor.ADMIN)
    return kinds


def moves_for(*, user, part: OrderPart) -> list[Status]:
    moves: list[Status] = []
    for kind in actor_kinds(user=user, part=part):
        moves += [m for m in order_flow.allowed_moves(part.status, method=part.method, actor=kind) if m not in moves]
    return moves


def resident_parcels_waiting(*, user, phone: str = "", name: str = "") -> list[OrderPart]:
    """Parcels waiting for pick-up at the operator's station for a resident (the recipient's phone or
    exact name): the counter's visit screen. One query."""
    station = scope_for(user).till_station
    matches = Q()
    if phone.strip():
        matches |= Q(order__fulfilment__phone=phone.strip())
    if name.strip():
        matches |= Q(order__fulfilment__recipient=name.strip())
    if station is None or not matches:
        return []
    return list(OrderPart.objects.filter(matches, station=station, method="pickup", status=Status.READY)
                .select_related("order__fulfilment", "partner").order_by("updated_at", "pk"))
