"""The store's errands in a visit at the counter (agency's Visit; agency/visit_links.py carries the visit
and `next` through the page): a counter sale and a parcel handed over, registered through agency's
public service with the store's own reference and, where the till took money, its transaction."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from agency import selectors as till_selectors
from agency import services as till
from agency.models import CounterTransaction, VisitErrand
from agency.visit_links import visit_of
from core.money import format_yuan
from shop.models import CounterSale, OrderPart

_NAMESPACE = uuid.UUID("5c0b1b56-7a8e-4d7e-8f43-2b0f1f5f6a21")


def _till(request, reference: str) -> CounterTransaction | None:
    return till_selectors.counter_transaction_by_reference(user=request.user, reference=reference) \
        if reference else None


def _add(request, **fields) -> bool:
    visit = visit_of(request)
    if visit is None:
        return False
    try:
        till.visit_errand_add(actor=request.user, visit=visit,
                              idempotency_key=uuid.uuid5(_NAMESPACE, f"{visit.pk}:{fields['kind']}:"
                                                                     f"{fields['reference']}"), **fields)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return False
    return True


def sale_to_visit(request, sale: CounterSale) -> bool:
    """Add a counter sale (its order number, its till transaction) to the visit the page was opened for."""
    order = sale.order
    return _add(request, kind=VisitErrand.Kind.SALE, reference=str(order.number),
                label=_("Goods bought, order %(number)s (%(total)s)") % {
                    "number": order.number, "total": format_yuan(order.total_incl_tax)},
                counter_transaction=_till(request, sale.till_reference))


def parcel_to_visit(request, part: OrderPart) -> bool:
    """Add a parcel handed over (and the cash taken for it, if any) to the visit."""
    return _add(request, kind=VisitErrand.Kind.PARCEL, reference=part.reference,
                label=_("Parcel %(ref)s handed over (%(merchant)s)") % {"ref": part.reference,
                                                                       "merchant": part.partner.name},
                counter_transaction=_till(request, part.counter_sale_reference))
