"""A counter page used inside a visit (agency's Visit): the visit's id and the page to go back to travel
with the form (`visit`, `next`), and what the page did is registered as errands of the visit. The
visit's own screen is not gov_services' (it lies above, reading every app): it sends the operator here
with ?visit=<id>&next=<its URL>, and this app sends them back to `next` — no link upward by name."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.http import url_has_allowed_host_and_scheme

from agency.selectors import access_open_visit_for_till
from gov_services.models import ServiceRequest
from gov_services.services.fees import service_request_fee_charge
from gov_services.services.visits import service_request_visit_register
from stations.scope import scope_for


def visit_of(request):
    """The open visit the page was opened for (?visit= or the form's `visit`), or None."""
    return access_open_visit_for_till(user=request.user, visit_id=request.POST.get("visit") or
                                      request.GET.get("visit"))


def next_url(request, default: str) -> str:
    """Where to go after the form: `next` when it is a page of this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def visit_context(request) -> dict:
    """For the templates: the visit (banner and hidden field) and where `next` points."""
    visit = visit_of(request)
    return {"visit": visit, "visit_next": next_url(request, "") if visit else ""}


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
