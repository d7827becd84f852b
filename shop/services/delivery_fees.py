"""A township's home-delivery fee: set it, change it, turn delivery on or off.

Orders keep the fee they were placed with (Fulfilment.fee_fen, OrderPart.delivery_fen), so a
change here applies to new checkouts only. The cached store pages (shop/page_cache.py) show no
delivery fee (checkout pages are never cached), so there is nothing to empty.
"""

from typing import Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_event_record
from core.money import format_yuan
from shop.models import DeliveryFee
from shop.selectors.delivery_fees import can_change_delivery_fees, delivery_fee_township_list
from stations.models import Region
from stations.scope import require

MAX_DELIVERY_FEE_FEN: Final = 100_000  # ¥1,000.00: far above any real fee, so a slip of the finger is caught
REASON_MAX_LENGTH: Final = 300


def _check_fee(fee_fen: int) -> None:
    if fee_fen < 0:
        raise ValidationError({"fee_fen": _("A delivery fee cannot be negative.")}, code="negative")
    if fee_fen > MAX_DELIVERY_FEE_FEN:
        raise ValidationError({"fee_fen": _("A delivery fee is at most %(max)s.") % {
            "max": format_yuan(MAX_DELIVERY_FEE_FEN)}}, code="too_large")


@transaction.atomic
def delivery_fee_set(*, user: User, township_id: int, fee_fen: int, active: bool,
                     reason: str = "") -> tuple[DeliveryFee, bool]:
    """Give the township this fee and on/off state; (the fee row, whether anything changed).

    The township row is locked first, so two submits of the same form run one after the other:
    the first creates (or changes) the row, the second finds nothing left to change and records
    nothing. The OneToOne on township backs this up in the database.
    """
    require(can_change_delivery_fees(user=user), _("You may not change delivery fees."))
    _check_fee(fee_fen)
    township = delivery_fee_township_list(user=user).filter(pk=township_id).first()
    require(township is not None, _("This township lies outside your region."))
    Region.objects.select_for_update().filter(pk=township.pk).first()
    reason = reason.strip()[:REASON_MAX_LENGTH]
    fee, created = DeliveryFee.objects.get_or_create(township=township,
                                                     defaults={"fee_fen": fee_fen, "active": active})
    if created:
        _record(user, fee, "delivery_fee.created", before=None, reason=reason)
        return fee, True
    if (fee.fee_fen, fee.active) == (fee_fen, active):
        return fee, False
    before = {"fee_fen": fee.fee_fen, "active": fee.active}
    fee.fee_fen, fee.active = fee_fen, active
    fee.save(update_fields=["fee_fen", "active"])
    _record(user, fee, "delivery_fee.changed", before=before, reason=reason)
    return fee, True


def _record(user: User, fee: DeliveryFee, action: str, *, before: dict | None, reason: str) -> None:
    audit_event_record(actor=user, action=action, target=fee, data={
        "township_id": fee.township_id,
        "from_fen": before["fee_fen"] if before else None, "to_fen": fee.fee_fen,
        "from_active": before["active"] if before else None, "to_active": fee.active,
        "reason": reason})
