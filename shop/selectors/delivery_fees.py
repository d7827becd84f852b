"""Reads of the townships' home-delivery fees, scoped to who is asking.

The townships an admin may see are their region's (stations/scope: a county admin every township
of the county, a township admin their own; a superuser all). Whether they may also change a fee is
`can_change_delivery_fees` (the role's permission: county admins), which the service enforces.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from core.models import AuditEvent
from shop.models import DeliveryFee
from stations.models import Region
from stations.scope import get_in_scope, scope_for
from stations.selectors import region_list

HISTORY_LIMIT = 50


def delivery_fee_township_list(*, user) -> QuerySet[Region]:
    """Townships in the user's region, each with `delivery_fee` (a DeliveryFee, or none: no delivery)."""
    if not scope_for(user).is_county_staff:
        return Region.objects.none()
    return (region_list(user=user).filter(level=Region.Level.TOWNSHIP)
            .select_related("delivery_fee").order_by("path"))


def can_change_delivery_fees(*, user) -> bool:
    return user.has_perm("shop.change_deliveryfee")


def access_delivery_township_by_id(*, user, township_id: int) -> Region:
    return get_in_scope(delivery_fee_township_list(user=user), pk=township_id)


def delivery_fee_of(township: Region) -> DeliveryFee | None:
    """The township's fee row, or None when it has never had delivery."""
    try:
        return township.delivery_fee
    except DeliveryFee.DoesNotExist:
        return None


def _fee_events() -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(target_type=ContentType.objects.get_for_model(DeliveryFee),
                                     action__startswith="delivery_fee.").select_related("actor")


def delivery_fee_history(*, fee: DeliveryFee | None) -> list[AuditEvent]:
    """The fee's changes, newest first (its audit events)."""
    if fee is None:
        return []
    return list(_fee_events().filter(target_id=str(fee.pk))[:HISTORY_LIMIT])


def delivery_fee_last_changes(*, fees: list[DeliveryFee]) -> dict[int, AuditEvent]:
    """The newest audit event of each fee, by fee id, in one query (for the list)."""
    latest: dict[int, AuditEvent] = {}
    ids = {str(fee.pk): fee.pk for fee in fees}
    if not ids:
        return latest
    # Events come newest first; the first seen per fee is its latest. Fees change rarely: few rows.
    for event in _fee_events().filter(target_id__in=ids):
        latest.setdefault(ids[event.target_id], event)
    return latest
