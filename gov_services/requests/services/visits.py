"""A request's errands in a visit at the counter (agency's Visit): the application filed, its fee, a
supplement handed in. Registered through agency's public service with the tracking code as reference;
the keys are derived from the request and the visit, so a resent form adds nothing twice."""

from __future__ import annotations

import uuid

from django.utils.translation import gettext as _

from accounts.models import User
from agency import services as till
from agency.models import Visit, VisitErrand
from gov_services.identifiers import format_tracking_code
from gov_services.models import RequestFee, ServiceRequest

ERRAND_NAMESPACE = uuid.UUID("0b7f3f5e-2d35-4c8e-9a43-7d1f6c2b9e50")
Kind = VisitErrand.Kind


def _key(visit: Visit, request: ServiceRequest, what: str) -> uuid.UUID:
    return uuid.uuid5(ERRAND_NAMESPACE, f"{visit.pk}:{request.idempotency_key}:{what}")


def service_request_visit_register(*, actor: User, visit: Visit, service_request: ServiceRequest,
                                   supplement: bool = False) -> list[VisitErrand]:
    """Add the request (filed, or its supplement handed in) and, when filed, its fee to the visit."""
    request = service_request
    name = request.item.name if request.item_id else (request.subject or request.get_kind_display())
    code = format_tracking_code(request.tracking_code)
    if supplement:
        return [till.visit_errand_add(actor=actor, visit=visit, kind=Kind.SUPPLEMENT, reference=request.tracking_code,
                                      label=_("Supplement for %(item)s (%(code)s)") % {"item": name, "code": code},
                                      idempotency_key=_key(visit, request, "supplement"))]
    fee = RequestFee.objects.filter(request=request).select_related("counter_transaction").first()
    label = _("%(item)s filed (%(code)s)") % {"item": name, "code": code}
    if fee is not None and fee.is_exempt:
        label = _("%(filed)s; fee waived: %(reason)s") % {"filed": label, "reason": fee.exemption_reason}
    errands = [till.visit_errand_add(actor=actor, visit=visit, kind=Kind.APPLICATION, reference=request.tracking_code,
                                     label=label, idempotency_key=_key(visit, request, "filed"))]
    if fee is not None and fee.counter_transaction is not None:
        errands.append(till.visit_errand_add(
            actor=actor, visit=visit, kind=Kind.GOV_FEE, reference=fee.counter_transaction.reference,
            label=_("Fee for %(item)s, to %(department)s") % {"item": name, "department": request.department.name},
            idempotency_key=_key(visit, request, "fee"), counter_transaction=fee.counter_transaction))
    return errands
