"""The care page at the counter (/counter/care/…): a station operator or a grid liaison takes a care call for
a resident on the registry — the caller's number opens their record at once — and follows it; the liaison
confirms and rates on the resident's behalf. Who gets in: the counter's workspace rule; which residents and
calls: care/selectors.py's counter selectors (out of scope: 404); who may act: the services (403)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from care import selectors
from care.forms import ConfirmForm, CounterCallForm, PhoneLookupForm
from care.models import CareCall, CareResident
from care.services import calls as call_services
from care.services.registry import care_resident_view_full
from core.service_errors import errors_onto
from stations.mixins import CounterStaffMixin
from stations.scope import scope_for


class CounterCareView(CounterStaffMixin, View):
    """The phone box (one resident for the number: their intake opens at once), the residents the user looks
    after, and the calls taken for them."""

    def get(self, request):
        user = request.user
        form = PhoneLookupForm(request.GET or None)
        found = None
        if form.is_valid():
            found = list(selectors.counter_residents_by_phone(user=user, phone=form.cleaned_data["phone"])[:10])
            if len(found) == 1:
                return redirect("care:counter-call-create", pk=found[0].pk)
        return TemplateResponse(request, "care/counter_care.html", {
            "form": form, "found": found, "residents": selectors.counter_residents(user=user)[:100],
            "calls": selectors.counter_calls(user=user)[:50]})


def channel_for(user, resident: CareResident) -> str:
    """At the counter when the user operates the resident's station, else relayed by the liaison."""
    return (CareCall.Channel.COUNTER if scope_for(user).operates(resident.household.grid.station_id)
            else CareCall.Channel.LIAISON)


class CounterCallCreateView(CounterStaffMixin, View):
    """Intake for one resident: their record in full (an audited showing), then what they need; the call is
    offered to the best responder at once."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_workspace(request.user):
            self.resident = selectors.access_counter_resident_by_id(user=request.user, resident_id=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        return self.render(CounterCallForm())

    def post(self, request, pk):
        form = CounterCallForm(request.POST)
        if form.is_valid():
            try:
                call = call_services.care_call_take(
                    actor=request.user, resident=self.resident, channel=channel_for(request.user, self.resident),
                    offer_at_once=True, **form.cleaned_data)
            except ValidationError as error:
                errors_onto(form, error, fallback="description")
            else:
                messages.success(request, _("Call %(ref)s taken.") % {"ref": call.reference})
                return redirect("care:counter-call-detail", pk=call.pk)
        return self.render(form, status=400)

    def render(self, form, status=200):
        care_resident_view_full(actor=self.request.user, resident=self.resident)
        return TemplateResponse(self.request, "care/counter_call_form.html", {
            "form": form, "resident": self.resident, "emergency_number": settings.CARE_EMERGENCY_NUMBER,
            "recent": self.resident.calls.all()[:5]}, status=status)


class CounterCallDetailView(CounterStaffMixin, View):
    """Where the call stands (status, responder, the minute clock); once served, the liaison records the
    resident's confirmation and rating."""

    def get(self, request, pk):
        return self.render(selectors.access_counter_call_by_id(user=request.user, call_id=pk), ConfirmForm())

    def post(self, request, pk):
        call = selectors.access_counter_call_by_id(user=request.user, call_id=pk)
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            return self.render(call, form, status=400)
        try:
            call_services.care_call_confirm(actor=request.user, call=call, **form.cleaned_data)
        except ValidationError as error:
            errors_onto(form, error, fallback="rating")
            return self.render(call, form, status=400)
        messages.success(request, _("Confirmed; the rating is recorded."))
        return redirect("care:counter-call-detail", pk=call.pk)

    def render(self, call, form, status=200):
        return TemplateResponse(self.request, "care/counter_call_detail.html", {
            "call": call, "steps": call_services.call_steps(call), "now": timezone.now(), "form": form,
            "emergency_number": settings.CARE_EMERGENCY_NUMBER,
            "can_confirm": call.status == CareCall.Status.COMPLETED and call_services.can_confirm(self.request.user,
                                                                                                 call),
        }, status=status)
