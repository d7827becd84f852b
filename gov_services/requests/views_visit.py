"""The request pages inside a visit (agency/visit_links.py carries the visit and `next`): what the page
did is added to the visit as errands, after the fee is taken."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from agency import services as till
from agency.views_till_wallet import wallet_page_url
from agency.visit_links import visit_of
from gov_services.models import ServiceRequest
from gov_services.requests.services.fees import service_request_fee_charge, service_request_fee_wallet_start
from gov_services.requests.services.visits import service_request_visit_register
from stations.scope import scope_for


def fee_and_visit_after_filing(request, service_request: ServiceRequest, *, supplement: bool = False) -> str:
    """After the request is filed (or its supplement sent): take its fee when the filer keeps the till,
    then add it to the visit. A refusal is said on the next page; the request itself stands. Returns the
    wallet's QR page when the operator chose WeChat Pay or Alipay for the fee (the fee joins the visit once
    the wallet confirms), else ""."""
    wallet = request.POST.get("fee_method", "")
    try:
        if not supplement and scope_for(request.user).is_till_keeper:
            if till.is_wallet(wallet):
                page = fee_wallet_page(request, service_request, wallet=wallet)
                if page:
                    _visit_register(request, service_request, supplement=supplement)
                    return page
            service_request_fee_charge(actor=request.user, service_request=service_request)
        _visit_register(request, service_request, supplement=supplement)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    return ""


def fee_wallet_page(request, service_request: ServiceRequest, *, wallet: str) -> str:
    """Open the fee's wallet payment; its QR page, whose "done" step records the fee (CounterRequestFeeView).
    "" when nothing is left to pay by wallet."""
    done = reverse("gov_services:counter-request-fee", args=[service_request.pk])
    payment = service_request_fee_wallet_start(actor=request.user, service_request=service_request, wallet=wallet,
                                               done_url=done)
    return wallet_page_url(request, payment) if payment is not None else ""


def _visit_register(request, service_request: ServiceRequest, *, supplement: bool) -> None:
    visit = visit_of(request)
    if visit is not None:
        service_request_visit_register(actor=request.user, visit=visit, service_request=service_request,
                                       supplement=supplement)
