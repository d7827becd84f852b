"""The care registries (/care/residents/…, /care/responders/…): lists show personal data masked; a
resident's own page shows it in full, and each showing is an audit event."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import View

from care import selectors
from care.forms import ResidentForm, ResponderForm
from care.services import calls
from care.services import registry as services
from care.views_desk import CareDeskMixin
from core.service_errors import errors_onto
from stations.scope import scope_for


class ResidentListView(CareDeskMixin, View):
    def get(self, request):
        rows = selectors.residents(user=request.user)
        kind = request.GET.get("kind", "")
        if kind:
            rows = rows.filter(kind=kind)
        return TemplateResponse(request, "care/resident_list.html", {"residents": rows[:300], "kind": kind})


class ResidentDetailView(CareDeskMixin, View):
    def get(self, request, pk):
        resident = selectors.access_resident_by_id(user=request.user, resident_id=pk)
        services.care_resident_view_full(actor=request.user, resident=resident)
        return TemplateResponse(request, "care/resident_detail.html", {
            "resident": resident, "calls": resident.calls.all()[:20], "checkins": resident.checkins.order_by(
                "-due_on")[:10]})


class HelpButtonGiveView(CareDeskMixin, View):
    """POST: text the resident the link to their own help button (a new one stops the old)."""

    def post(self, request, pk):
        resident = selectors.access_resident_by_id(user=request.user, resident_id=pk)
        calls.care_help_button_give(actor=request.user, resident=resident)
        messages.success(request, _("The help button's link is texted to the resident's phone."))
        return redirect("care:resident-detail", pk=resident.pk)


class ResidentFormView(CareDeskMixin, View):
    """Register a resident (from a household of the user's care scope) or edit one."""

    def load(self, pk):
        return selectors.access_resident_by_id(user=self.request.user, resident_id=pk) if pk else None

    def form(self, resident, data=None):
        return ResidentForm(data, instance=resident, households=selectors.households(user=self.request.user))

    def get(self, request, pk=None):
        resident = self.load(pk)
        if resident is not None:
            services.care_resident_view_full(actor=request.user, resident=resident)
        return self.render(self.form(resident), resident)

    def post(self, request, pk=None):
        resident = self.load(pk)
        form = self.form(resident, request.POST)
        if form.is_valid():
            try:
                if resident is None:
                    resident = services.care_resident_register(actor=request.user, contacts=form.contacts(),
                                                               **form.values())
                else:
                    values = form.values()
                    resident = services.care_resident_update(actor=request.user, resident=resident,
                                                             contacts=form.contacts(), **values)
            except ValidationError as error:
                errors_onto(form, error, fallback="name")
            else:
                messages.success(request, _("The care record is saved."))
                return redirect("care:resident-detail", pk=resident.pk)
        return self.render(form, resident)

    def render(self, form, resident):
        return TemplateResponse(self.request, "care/resident_form.html", {"form": form, "resident": resident})


class ResponderListView(CareDeskMixin, View):
    def get(self, request):
        rows = selectors.responders(user=request.user).prefetch_related("villages")
        return TemplateResponse(request, "care/responder_list.html", {
            "responders": rows, "can_register": scope_for(request.user).is_county_staff})


class ResponderDetailView(CareDeskMixin, View):
    def get(self, request, pk):
        responder = selectors.access_responder_by_id(user=request.user, responder_id=pk)
        return TemplateResponse(request, "care/responder_detail.html", {
            "responder": responder, "calls": responder.calls.select_related("village")[:20],
            "can_edit": scope_for(request.user).can_contract_responders(responder.region.path)})


class ResponderFormView(CareDeskMixin, View):
    """Contract a responder, or change one's contract (suspending it too): the contracting region's admins."""

    def load(self, pk):
        if pk is None:
            if not scope_for(self.request.user).is_county_staff:
                raise PermissionDenied(_("Responders are contracted by the township and county admins."))
            return None
        responder = selectors.access_responder_by_id(user=self.request.user, responder_id=pk)
        if not scope_for(self.request.user).can_contract_responders(responder.region.path):
            raise PermissionDenied(_("Only the admins of the contracting region change this contract."))
        return responder

    def form(self, responder, data=None):
        user = self.request.user
        return ResponderForm(data, instance=responder, regions=selectors.contracting_regions(user=user),
                             villages=selectors.villages(user=user))

    def get(self, request, pk=None):
        responder = self.load(pk)
        return self.render(self.form(responder), responder)

    def post(self, request, pk=None):
        responder = self.load(pk)
        form = self.form(responder, request.POST)
        if form.is_valid():
            try:
                if responder is None:
                    responder = services.responder_register(
                        actor=request.user, region=form.cleaned_data["region"],
                        villages=form.cleaned_data["villages"], **form.values())
                else:
                    responder = services.responder_update(actor=request.user, responder=responder,
                                                          villages=form.cleaned_data["villages"], **form.values())
            except ValidationError as error:
                errors_onto(form, error, fallback="name")
            else:
                messages.success(request, _("The responder's contract is saved."))
                return redirect("care:responder-detail", pk=responder.pk)
        return self.render(form, responder)

    def render(self, form, responder):
        return TemplateResponse(self.request, "care/responder_form.html", {"form": form, "responder": responder})
