"""The request pages inside a visit (agency/visit_links.py carries the visit and `next`): what the page
did is added to the visit as errands, after the fee is taken."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError

from agency.visit_links import visit_of
from gov_services.models import ServiceRequest
from gov_services.services.fees import service_request_fee_charge
from gov_services.services.visits import service_request_visit_register
from stations.scope import scope_for


def fee_and_visit_after_filing(request, service_request: ServiceRequest, *, supplement: bool = False) -> None:
    """After the request is filed (or its supplement sent): take its fee when the filer keeps the till,
    then add it to the visit. A refusal is said on the next page; the request itself stands."""
    try:
        if not supplement and scope_for(request.user).is_till_keeper:
            service_request_fee_charge(actor=request.user, service_request=service_request)
        visit = visit_of(request)
        if visit is not None:
            service_request_visit_register(actor=request.user, visit=visit, service_request=service_request,
                                           supplement=supplement)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
