"""The care desk (/care/…): a caller's record by phone number, intake, dispatch, the call's clock and
timeline, confirmation and rating, check-ins and alerts. Who gets in: stations/mixins.py's workspace rule
(`is_care_staff`); which rows: care/selectors.py (out of scope: 404); who may act: the services (403)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from care import selectors, selectors_figures
from care.forms import CallForm, CancelForm, CheckInForm, ConfirmForm, PhoneLookupForm
from care.models import CareCall
from care.ranking import REASONS
from care.services import calls as call_services
from care.services import checkins as checkin_services
from care.services.registry import care_resident_view_full
from core.audit import audit_events_for
from core.http import int_or_none
from core.service_errors import errors_onto
from stations.mixins import WorkspaceMixin

EVENT_LABELS = {
    "care.call.taken": gettext_lazy("Call taken"),
    "care.call.offered": gettext_lazy("Offered to"),
    "care.call.declined": gettext_lazy("Declined by"),
    "care.call.offer_expired": gettext_lazy("No answer in time from"),
    "care.call.exhausted": gettext_lazy("No responder left"),
    "care.call.accepted": gettext_lazy("Accepted by"),
    "care.call.arrived": gettext_lazy("At the door:"),
    "care.call.completed": gettext_lazy("Completed by"),
    "care.call.confirmed": gettext_lazy("Confirmed and rated"),
    "care.call.cancelled": gettext_lazy("Cancelled"),
    "care.call.late": gettext_lazy("Step late"),
    "care.call.escalated": gettext_lazy("Escalated to the township and county admins"),
}


class CareDeskMixin(WorkspaceMixin):
    required_post = "is_care_staff"
    refusal = gettext_lazy("The care desk is for care operators and the township and county admins.")


class DeskView(CareDeskMixin, View):
    """The desk's home: the phone box (a known caller's record opens at once), open alerts, open calls,
    check-ins due."""

    def get(self, request):
        user = request.user
        form = PhoneLookupForm(request.GET or None)
        found = None
        if form.is_valid():
            found = list(selectors.residents_by_phone(user=user, phone=form.cleaned_data["phone"])[:10])
            if len(found) == 1:
                return redirect("care:call-create", pk=found[0].pk)
        return TemplateResponse(request, "care/desk.html", {
            "form": form, "found": found,
            "alerts": selectors.alerts(user=user)[:50],
            "open_calls": selectors.calls(user=user).filter(status__in=CareCall.OPEN_STATUSES)[:100],
            "checkins": selectors.checkins_due(user=user).filter(due_on__lte=timezone.localdate())[:50],
        })


class CallListView(CareDeskMixin, View):
    def get(self, request):
        status = request.GET.get("status", "")
        rows = selectors.calls(user=request.user)
        if status in CareCall.Status.values:
            rows = rows.filter(status=status)
        return TemplateResponse(request, "care/call_list.html", {
            "calls": rows[:200], "status": status, "statuses": CareCall.Status.choices})


class CallCreateView(CareDeskMixin, View):
    """Intake for one resident: their record in full (an audited showing), then what they need."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_workspace(request.user):
            self.resident = selectors.access_resident_by_id(user=request.user, resident_id=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        return self.render(CallForm())

    def post(self, request, pk):
        form = CallForm(request.POST)
        if form.is_valid():
            try:
                call = call_services.care_call_take(actor=request.user, resident=self.resident,
                                                    **form.cleaned_data)
            except ValidationError as error:
                errors_onto(form, error, fallback="description")
            else:
                messages.success(request, _("Call %(ref)s taken.") % {"ref": call.reference})
                return redirect("care:call-detail", pk=call.pk)
        return self.render(form)

    def render(self, form):
        care_resident_view_full(actor=self.request.user, resident=self.resident)
        return TemplateResponse(self.request, "care/call_form.html", {
            "form": form, "resident": self.resident, "emergency_number": settings.CARE_EMERGENCY_NUMBER,
            "recent": self.resident.calls.all()[:5]})


class CallDetailView(CareDeskMixin, View):
    def get(self, request, pk):
        call = selectors.access_call_by_id(user=request.user, call_id=pk)
        return self.render(call)

    def render(self, call, *, confirm_form=None, cancel_form=None, status=200):
        chosen, left_out = ([], [])
        if call.status in (CareCall.Status.NEW, CareCall.Status.UNASSIGNED, CareCall.Status.OFFERED):
            chosen, left_out = call_services.suggestions(call)
        names = dict(selectors.responders(user=self.request.user).values_list("pk", "name"))
        return TemplateResponse(self.request, "care/call_detail.html", {
            "call": call, "steps": call_services.call_steps(call), "now": timezone.now(),
            "offers": call.offers.select_related("responder"),
            "suggested": chosen, "left_out": [(c, REASONS[reason]) for c, reason in left_out], "names": names,
            "events": [(e.at, EVENT_LABELS.get(e.action, e.action), e.actor, names.get(e.data.get("responder")))
                       for e in audit_events_for(call).order_by("at", "pk")],
            "emergency_number": settings.CARE_EMERGENCY_NUMBER,
            "can_dispatch": call.status in (CareCall.Status.NEW, CareCall.Status.UNASSIGNED),
            "can_cancel": call.status in (CareCall.Status.NEW, CareCall.Status.OFFERED, CareCall.Status.UNASSIGNED,
                                          CareCall.Status.ACCEPTED),
            "confirm_form": confirm_form or ConfirmForm(), "cancel_form": cancel_form or CancelForm(),
        }, status=status)


class CallActionView(CareDeskMixin, View):
    """POST-only moves on a call: dispatch, confirm (and rate), cancel."""

    action = ""

    def post(self, request, pk):
        call = selectors.access_call_by_id(user=request.user, call_id=pk)
        detail = CallDetailView()
        detail.request = request
        try:
            if self.action == "dispatch":
                call_services.care_call_dispatch(actor=request.user, call=call)
                messages.success(request, _("The call is being offered to the responders."))
            elif self.action == "confirm":
                form = ConfirmForm(request.POST)
                if not form.is_valid():
                    return detail.render(call, confirm_form=form, status=400)
                call_services.care_call_confirm(actor=request.user, call=call, **form.cleaned_data)
                messages.success(request, _("Confirmed; the rating is recorded."))
            elif self.action == "cancel":
                form = CancelForm(request.POST)
                if not form.is_valid():
                    return detail.render(call, cancel_form=form, status=400)
                call_services.care_call_cancel(actor=request.user, call=call, reason=form.cleaned_data["reason"])
                messages.success(request, _("The call is cancelled."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect("care:call-detail", pk=call.pk)


class CheckInRecordView(CareDeskMixin, View):
    def post(self, request, pk):
        checkin = selectors.access_checkin_by_id(user=request.user, checkin_id=pk)
        form = CheckInForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        checkin_services.care_checkin_record(actor=request.user, checkin=checkin, note=note)
        messages.success(request, _("Check-in recorded; the next one is scheduled."))
        return redirect("care:desk")


class AlertResolveView(CareDeskMixin, View):
    def post(self, request, pk):
        alert = selectors.access_alert_by_id(user=request.user, alert_id=pk)
        call_services.care_alert_resolve(actor=request.user, alert=alert)
        messages.success(request, _("Alert dealt with."))
        target = int_or_none(request.POST.get("call"))
        return redirect("care:call-detail", pk=target) if target else redirect("care:desk")


class CareMapView(CareDeskMixin, View):
    """The open calls on the county map, and the same calls listed (the map needs JavaScript; the list not)."""

    def get(self, request):
        payload, open_calls = selectors_figures.open_calls_map(user=request.user)
        return TemplateResponse(request, "care/map.html", {"map": payload, "calls": open_calls})
