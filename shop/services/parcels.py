"""The parcel shelf's own records: a pick-up code typed at the counter that matched no waiting parcel is
counted (an audit event on the station), as a wrong code at hand-over is counted on its parcel
(shop/services/orders.py). The code itself is never stored."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_event_record
from shop.selectors.counter import CODE_MISS_ACTION
from stations.scope import scope_for


@transaction.atomic
def parcel_code_miss_record(*, user: User) -> None:
    station = scope_for(user).till_station
    if station is None:
        raise PermissionDenied(_("Parcels are received and handed over by the operators of a station."))
    audit_event_record(actor=user, action=CODE_MISS_ACTION, target=station, data={})
