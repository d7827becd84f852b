"""Reads of order parts, scoped: a merchant sees their own parts, an operator the parcels of their
station, a resident their own orders, county admins everything in their region."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from shop import order_flow
from shop.models import OrderPart, Payment
from shop.order_flow import Actor
from stations.models import StaffAssignment
from stations.selectors import active_assignments, counter_station_for

Status = OrderPart.Status


def order_part_list(*, user) -> QuerySet[OrderPart]:
    """Every part `user` may see."""
    parts = OrderPart.objects.select_related("order", "partner", "station", "order__fulfilment")
    if not user.is_authenticated:
        return parts.none()
    if user.is_superuser:
        return parts
    scope = Q(partner__users=user) | Q(order__user=user)
    for assignment in active_assignments(user=user):
        if assignment.region_id:
            scope |= Q(station__village__path__startswith=assignment.region.path)
        elif assignment.role == StaffAssignment.Role.OPERATOR:
            scope |= Q(station_id=assignment.station_id)
    return parts.filter(pk__in=OrderPart.objects.filter(scope).values("pk"))


def access_order_part_by_id(*, user, part_id: int) -> OrderPart:
    part = order_part_list(user=user).filter(pk=part_id).first()
    if part is None:
        raise PermissionDenied(_("You may not see this order."))
    return part


def station_parcels(*, user) -> dict:
    """The operator's counter: parcels on their way, waiting for pick-up, and recently handed over."""
    station = counter_station_for(user=user)
    if station is None:
        raise PermissionDenied(_("Your account is not assigned to a station."))
    parts = OrderPart.objects.filter(station=station, method="pickup").select_related(
        "order", "partner", "order__fulfilment")
    return {
        "station": station,
        "arriving": parts.filter(status__in=[Status.CONFIRMED, Status.SENT]).order_by("created_at"),
        "waiting": parts.filter(status=Status.READY).order_by("updated_at"),
        "done": parts.filter(status__in=[Status.COLLECTED, Status.RETURNED]).order_by("-updated_at")[:20],
    }


def merchant_part_panel(*, user, order) -> dict:
    """The merchant's own part of `order` for Oscar's order page: status, history, possible moves."""
    part = OrderPart.objects.filter(order=order, partner__users=user).select_related(
        "station", "order__fulfilment").first()
    if part is None:
        return {"part": None}
    return {"part": part, "part_events": part.events.select_related("actor"),
            "part_moves": [(m, order_flow.ACTION_LABELS[m]) for m in moves_for(user=user, part=part)],
            "part_paid": Payment.objects.filter(order=order, status=Payment.Status.PAID).exists()}


def merchant_open_parts(*, user) -> QuerySet[OrderPart]:
    return OrderPart.objects.filter(partner__users=user, status__in=order_flow.OPEN_STATUSES).select_related(
        "order", "station").order_by("created_at")


def resident_order_parts(*, order) -> QuerySet[OrderPart]:
    return order.parts.select_related("partner", "station").order_by("reference")


def actor_kinds(*, user, part: OrderPart) -> list[Actor]:
    """In which capacities `user` may act on `part`: its merchant, its station's operator, an admin."""
    kinds = []
    if part.partner.users.filter(pk=user.pk).exists():
        kinds.append(Actor.MERCHANT)
    if active_assignments(user=user).filter(role=StaffAssignment.Role.OPERATOR, station_id=part.station_id).exists():
        kinds.append(Actor.OPERATOR)
    if user.is_superuser or (user.has_perm("shop.change_merchant") and any(
            a.region_id and part.station.village.path.startswith(a.region.path)
            for a in active_assignments(user=user))):
        kinds.append(Actor.ADMIN)
    return kinds


def moves_for(*, user, part: OrderPart) -> list[Status]:
    moves: list[Status] = []
    for kind in actor_kinds(user=user, part=part):
        moves += [m for m in order_flow.allowed_moves(part.status, method=part.method, actor=kind) if m not in moves]
    return moves
