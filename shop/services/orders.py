"""Orders after Oscar placed them: split into one part per merchant, then each part moves along
shop/order_flow.py — confirmed and sent by its merchant, received and handed over (against the
pick-up code) by the station's operator, returned or refunded."""

import secrets
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_event_record
from core.money import fen_from_decimal
from core.sms import sms_enqueue
from core.state_machine import TransitionNotAllowed
from shop import order_flow
from shop.models import Fulfilment, OrderPart, OrderPartEvent
from shop.notifications import PICKUP_CODE
from shop.order_flow import Actor
from shop.payments import get_provider
from shop.selectors.orders import actor_kinds
from shop.services import payments, settlement
from stations.models import Station

Status = OrderPart.Status
MAX_PICKUP_FAILURES = 5


@transaction.atomic
def order_parts_create(*, order, method: str, station: Station, recipient: str, phone: str,
                       payment_method: str, township=None, address: str = "", delivery_fee_fen: int = 0
                       ) -> list[OrderPart]:
    """Record how the order reaches the resident and split its lines into one part per merchant.

    Each merchant delivering to a home charges the township's fee for their own part.
    """
    Fulfilment.objects.create(order=order, method=method, station=station, township=township, address=address,
                              recipient=recipient, phone=phone, fee_fen=delivery_fee_fen,
                              payment_method=payment_method)
    goods: dict[int, int] = defaultdict(int)
    for line in order.lines.all():
        goods[line.partner_id] += fen_from_decimal(line.line_price_incl_tax)
    parts = []
    for index, (partner_id, goods_fen) in enumerate(sorted(goods.items()), start=1):
        part = OrderPart.objects.create(
            order=order, partner_id=partner_id, station=station, method=method,
            reference=f"{order.number}-{index}", goods_fen=goods_fen,
            delivery_fen=delivery_fee_fen if method == Fulfilment.Method.DELIVERY else 0)
        OrderPartEvent.objects.create(part=part, actor=order.user, to_status=Status.PLACED)
        audit_event_record(actor=order.user, action="order_part.placed", target=part,
                           data={"order": order.number, "goods_fen": goods_fen})
        parts.append(part)
    return parts


@transaction.atomic
def order_part_move(*, user: User, part_id: int, to_status: str, note: str = "", pickup_code: str = "") -> OrderPart:
    """Move one part; every rule of the move is checked here and the move is recorded twice
    (the part's own history and the audit trail)."""
    part = OrderPart.objects.select_for_update().select_related("order", "partner").get(pk=part_id)
    kinds = actor_kinds(user=user, part=part)
    if not kinds:
        raise PermissionDenied(_("You may not act on this order."))
    if to_status == part.status:
        return part  # a double submit changes nothing
    actor = _actor_for_move(part, to_status, kinds)
    note = note.strip()
    if to_status in order_flow.NEEDS_REASON and not note:
        raise ValidationError(_("Give a reason; it goes into the order's history."))
    _before_move(part, to_status, user=user, pickup_code=pickup_code)
    previous, part.status = part.status, to_status
    part.save(update_fields=["status", "pickup_code", "pickup_failures", "commission_fen", "commission_reference",
                             "counter_sale_reference", "updated_at"])
    OrderPartEvent.objects.create(part=part, actor=user, from_status=previous, to_status=to_status, note=note)
    audit_event_record(actor=user, action="order_part.moved", target=part,
                       data={"from": previous, "to": to_status, "as": actor.value, "note": note})
    return part


def _actor_for_move(part: OrderPart, to_status: str, kinds: list[Actor]) -> Actor:
    error = None
    for kind in kinds:
        try:
            order_flow.check_move(part.status, to_status, method=part.method, actor=kind)
        except TransitionNotAllowed as refused:
            error = error or refused
        else:
            return kind
    raise error


def _before_move(part: OrderPart, to_status: str, *, user: User, pickup_code: str) -> None:
    """What a move needs or does besides changing the status."""
    fulfilment = part.order.fulfilment
    settles_on_handover = get_provider(fulfilment.payment_method, available_only=False).settles_on_handover
    if to_status == Status.CONFIRMED and not settles_on_handover and not payments.order_is_paid(part.order):
        raise ValidationError(_("This order is paid by card and the payment has not arrived yet; confirm it "
                                "once it is paid."))
    if to_status == Status.READY:
        part.pickup_code, part.pickup_failures = _new_code(), 0
        _send_pickup_code(part, fulfilment)
    if to_status == Status.COLLECTED:
        _check_pickup_code(part, pickup_code)
    if to_status in order_flow.HANDED_OVER and settles_on_handover:
        payments.cash_taken_record(part=part, actor=user)
        if to_status == Status.COLLECTED:
            settlement.part_cash_to_till(part=part, actor=user)
    if to_status in order_flow.HANDED_OVER:
        settlement.part_commission_post(part=part, actor=user)
    if to_status in (Status.COLLECTED, Status.RETURNED, Status.CANCELLED):
        part.pickup_code = ""  # a used or void code must not open anything later
    if to_status == Status.REFUNDED:
        payments.part_refund(part=part, actor=user)


def _new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def _send_pickup_code(part: OrderPart, fulfilment: Fulfilment) -> None:
    station = part.station
    sms_enqueue(phone=fulfilment.phone, purpose=PICKUP_CODE.key, reference=part.reference,
                params={"ref": part.reference, "station": station.name, "code": part.pickup_code,
                        "hours": station.opening_hours or station.address},
                region_path=station.village.path, secrets=[part.pickup_code])


def _check_pickup_code(part: OrderPart, code: str) -> None:
    if part.pickup_failures >= MAX_PICKUP_FAILURES:
        raise ValidationError(_("Too many wrong codes: send the resident a new code first."), code="locked")
    if not part.pickup_code or not secrets.compare_digest(part.pickup_code, (code or "").strip()):
        raise ValidationError(_("The pick-up code is wrong."), code="wrong_code")


def order_part_hand_over(*, user: User, part_id: int, code: str) -> OrderPart:
    """The operator hands a parcel over against its pick-up code.

    A wrong code is counted (and kept, in its own transaction) before the error is raised;
    after MAX_PICKUP_FAILURES the code is locked until a new one is sent.
    """
    try:
        return order_part_move(user=user, part_id=part_id, to_status=Status.COLLECTED, pickup_code=code)
    except ValidationError as error:
        if getattr(error, "code", None) == "wrong_code":
            with transaction.atomic():
                part = OrderPart.objects.select_for_update().get(pk=part_id)
                part.pickup_failures += 1
                part.save(update_fields=["pickup_failures"])
                audit_event_record(actor=user, action="order_part.wrong_code", target=part,
                                   data={"failures": part.pickup_failures})
        raise


@transaction.atomic
def order_part_code_resend(*, user: User, part_id: int) -> OrderPart:
    """A new pick-up code (the old one stops working), sent by SMS again."""
    part = OrderPart.objects.select_for_update().select_related("order", "station").get(pk=part_id)
    if Actor.OPERATOR not in actor_kinds(user=user, part=part):
        raise PermissionDenied(_("Only the station's operator sends pick-up codes."))
    if part.status != Status.READY:
        raise ValidationError(_("Only a parcel waiting at the station has a pick-up code."))
    part.pickup_code, part.pickup_failures = _new_code(), 0
    part.save(update_fields=["pickup_code", "pickup_failures", "updated_at"])
    _send_pickup_code(part, part.order.fulfilment)
    audit_event_record(actor=user, action="order_part.code_resent", target=part, data={})
    return part


def basket_vouchers_lock(*, basket, user) -> None:
    """Lock the basket's vouchers until the order commits, and refuse one that is no longer available.

    Oscar checks a voucher when it enters the basket and records its use when the order is placed;
    between the two, concurrent checkouts could each use a single-use voucher. With the row lock the
    second checkout waits, then sees the first one's use and is refused.
    """
    from oscar.core.loading import get_class, get_model

    Voucher = get_model("voucher", "Voucher")
    UnableToPlaceOrder = get_class("order.exceptions", "UnableToPlaceOrder")
    voucher_ids = list(basket.vouchers.values_list("pk", flat=True))
    for voucher in Voucher.objects.select_for_update().filter(pk__in=voucher_ids).order_by("pk"):
        available, message = voucher.is_available_to_user(user=user)
        if not available:
            raise UnableToPlaceOrder(message)
