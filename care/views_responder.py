"""The public pages behind signed links: the resident's help button and rating page, and the responder's page.

The responder's page (/care/r/<signed token>/): no app and no account — the text message's link opens
this one offer and shows only what the call needs. Before accepting: the service, the village, the
urgency and the conditions that matter at the door; once accepted: the house and the resident's phone
(each showing audited), then arrival and completion."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views import View

from care import selectors
from care.forms import CompleteForm, ConfirmForm, HelpForm
from care.models import CareCall, CareOffer
from care.services import calls as services
from core.audit import audit_event_record


class _SignedLinkView(View):
    """A page behind a signed link: `find(token)` is what the link opens (self.found); a link that opens
    nothing (forged, expired or spent) gets the same 404 page whatever it was for."""

    def find(self, token):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if hasattr(self, request.method.lower()):
            self.found = self.find(kwargs["token"])
            if self.found is None:
                return TemplateResponse(request, "care/responder_offer_invalid.html", status=404)
        return super().dispatch(request, *args, **kwargs)


class ResponderOfferView(_SignedLinkView):
    def find(self, token):
        return selectors.offer_by_token(token)

    def get(self, request, token):
        offer = self.found
        return self.render(request, offer, token, CompleteForm())

    def post(self, request, token):
        offer = self.found
        action = request.POST.get("action")
        form = CompleteForm(request.POST if action == "complete" else None)
        error = None
        try:
            if action in ("accept", "decline"):
                services.care_offer_answer(offer_id=offer.pk, nonce=offer.nonce, accept=action == "accept")
            elif action == "arrive":
                services.care_call_arrive(offer_id=offer.pk, nonce=offer.nonce)
            elif action == "complete":
                if not form.is_valid():
                    return self.render(request, offer, token, form, status=400)
                services.care_call_complete(offer_id=offer.pk, nonce=offer.nonce, note=form.cleaned_data["note"],
                                            amount_fen=form.cleaned_data["amount"])
            else:
                error = ValidationError("?")
        except ValidationError as refused:
            error = refused
            if hasattr(refused, "error_dict") and action == "complete":
                form.add_error("amount", refused.error_dict.get("amount", refused.messages))
                return self.render(request, offer, token, form, status=400)
        if error is not None:
            offer.refresh_from_db()
            return self.render(request, offer, token, form, errors=error.messages, status=409)
        return redirect("care:responder-offer", token=token)

    def render(self, request, offer, token, form, *, errors=(), status=200):
        call = offer.call
        call.refresh_from_db()
        mine = offer.status == CareOffer.Status.ACCEPTED and call.responder_id == offer.responder_id
        if mine and request.method == "GET":
            audit_event_record(actor=None, action="care.resident.shown_to_responder", target=call.resident,
                               data={"responder": offer.responder_id, "call": call.pk})
        return TemplateResponse(request, "care/responder_offer.html", {
            "offer": offer, "call": call, "mine": mine, "form": form, "errors": errors,
            "resident": call.resident, "household": call.resident.household,
            "emergency_number": settings.CARE_EMERGENCY_NUMBER, "responder": offer.responder,
        }, status=status)


class ResidentRateView(_SignedLinkView):
    """The resident's page (/care/rate/<signed token>/): the text sent when the responder completed the call
    links here; it shows that call's service, responder and note, and takes the confirmation and rating."""

    def find(self, token):
        return selectors.call_by_rate_token(token)

    def get(self, request, token):
        call = self.found
        return self.render(request, call, ConfirmForm())

    def post(self, request, token):
        call = self.found
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            return self.render(request, call, form, status=400)
        try:
            services.care_call_rate_by_resident(call_id=call.pk, reference=call.reference, **form.cleaned_data)
        except ValidationError as error:
            return self.render(request, call, form, errors=error.messages, status=409)
        return redirect("care:resident-rate", token=token)

    def render(self, request, call, form, *, errors=(), status=200):
        call.refresh_from_db()
        return TemplateResponse(request, "care/resident_rate.html", {"call": call, "form": form, "errors": errors},
                                status=status)


class ResidentHelpView(_SignedLinkView):
    """The resident's help button (/care/help/<signed token>/): one button that asks the care desk to call back.
    The link opens that resident's button only; it shows their name masked and the calls' status, nothing else."""

    def find(self, token):
        return selectors.resident_by_help_token(token)

    def get(self, request, token):
        resident = self.found
        return self.render(request, resident)

    def post(self, request, token):
        resident = self.found
        form = HelpForm(request.POST)
        if not form.is_valid():
            return self.render(request, resident, status=400)
        try:
            services.care_help_press(resident_id=resident.pk, nonce=resident.help_nonce,
                                     idempotency_key=form.cleaned_data["idempotency_key"])
        except ValidationError as error:
            return self.render(request, resident, errors=error.messages, status=409)
        return redirect("care:resident-help", token=token)

    def render(self, request, resident, *, errors=(), status=200):
        waiting = resident.calls.filter(channel=CareCall.Channel.RESIDENT, status__in=CareCall.OPEN_STATUSES).first()
        return TemplateResponse(request, "care/resident_help.html", {
            "resident": resident, "waiting": waiting, "form": HelpForm(), "errors": errors,
            "emergency_number": settings.CARE_EMERGENCY_NUMBER}, status=status)
