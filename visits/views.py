"""The operator's visit screen (/counter/visits/ …): find the resident, start a visit, see what concerns
them across the apps, add errands through each app's own counter page (which returns here), close with
the cash received, print one receipt. Reads every app's selectors; writes through agency's services."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views import View

from agency import selectors as till
from agency import services as till_services
from agency.models import Visit
from core.http import site_file_response
from core.service_errors import errors_onto
from stations.mixins import TillKeeperMixin
from stations.scope import scope_for
from visits import receipt
from visits.forms import VisitCloseForm, VisitFindForm, VisitReceiptPrintForm, VisitStartForm
from visits.lookup import Who, classify
from visits.summary import candidates, resident_summary


class VisitMixin(TillKeeperMixin):
    """The station's operators (the till is theirs); `self.station` is the station whose till they keep."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.station = scope_for(request.user).till_station
        return super().dispatch(request, *args, **kwargs)

    def get_visit(self, pk: int) -> Visit:
        visit = till.access_visit_by_id(user=self.request.user, visit_id=pk)
        if self.station is None or visit.station_id != self.station.pk:
            raise Http404(_("Not found."))
        return visit


class VisitFindView(VisitMixin, View):
    """Find the resident and start a visit; today's open visits of the station."""

    template_name = "visits/visit_find.html"

    def render_page(self, find: VisitFindForm, start: VisitStartForm, status: int = 200):
        who = classify(find.cleaned_data["q"]) if find.is_valid() else Who()
        found = candidates(user=self.request.user, station=self.station, who=who) if not who.is_empty else []
        return TemplateResponse(self.request, self.template_name, {
            "station": self.station, "find": find, "start": start, "who": who, "candidates": found,
            "searched": not who.is_empty,
            "open_visits": till.visit_list(user=self.request.user, station_id=self.station.pk,
                                           status=Visit.Status.OPEN)[:20],
        }, status=status)

    def get(self, request):
        find = VisitFindForm(request.GET)
        who = classify(request.GET.get("q", ""))
        start = VisitStartForm(initial={"idempotency_key": uuid.uuid4(), "resident_name": who.name,
                                        "resident_phone": who.phone, "resident_id_number": who.id_number})
        return self.render_page(find, start)

    def post(self, request):
        start = VisitStartForm(request.POST)
        if not start.is_valid():
            return self.render_page(VisitFindForm(request.GET), start, status=400)
        data = start.cleaned_data
        try:
            visit = till_services.visit_open(
                actor=request.user, station=self.station, idempotency_key=data["idempotency_key"],
                resident_name=data["resident_name"], resident_phone=data["resident_phone"],
                resident_id_number=data["resident_id_number"])
        except ValidationError as error:
            errors_onto(start, error)
            return self.render_page(VisitFindForm(request.GET), start, status=400)
        return HttpResponseRedirect(reverse("visits:visit-detail", args=[visit.pk]))


class VisitDetailView(VisitMixin, View):
    """The visit: who, what concerns them, the errands so far, the links that add errands, the close."""

    template_name = "visits/visit_detail.html"

    def render_page(self, visit: Visit, close_form: VisitCloseForm | None = None, status: int = 200):
        who = Who(name=visit.resident_name, phone=visit.resident_phone, id_number=visit.resident_id_number)
        here = reverse("visits:visit-detail", args=[visit.pk])
        carry = urlencode({"visit": visit.pk, "next": here})
        errands = list(till.visit_errands(visit=visit))
        return TemplateResponse(self.request, self.template_name, {
            "station": self.station, "visit": visit, "summary": resident_summary(user=self.request.user,
                                                                                 station=self.station, who=who),
            "errands": errands, "cash_due_fen": till_services.visit_cash_due_fen(visit), "carry": carry,
            "here": here, "close_form": close_form or VisitCloseForm(),
            "print_form": VisitReceiptPrintForm(initial={"idempotency_key": uuid.uuid4()}),
            "copies": till_services.visit_receipt_print_count(visit) if visit.status == Visit.Status.CLOSED else 0,
        }, status=status)

    def get(self, request, pk):
        return self.render_page(self.get_visit(pk))


class VisitCloseView(VisitDetailView):
    http_method_names = ["post"]

    def post(self, request, pk):
        visit = self.get_visit(pk)
        form = VisitCloseForm(request.POST)
        if not form.is_valid():
            return self.render_page(visit, form, status=400)
        try:
            till_services.visit_close(actor=request.user, visit=visit,
                                      cash_received_fen=form.cleaned_data["cash_received"])
        except ValidationError as error:
            errors_onto(form, error, fields={"cash_received_fen": "cash_received"})
            return self.render_page(visit, form, status=400)
        messages.success(request, _("Visit closed. Print the receipt for the resident."))
        return HttpResponseRedirect(reverse("visits:visit-detail", args=[visit.pk]))


class VisitReceiptPrintView(VisitMixin, View):
    """Record a printed copy, then show it (HTML for the printer, or the PDF)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        visit = self.get_visit(pk)
        detail = reverse("visits:visit-detail", args=[visit.pk])
        form = VisitReceiptPrintForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose the printer and print again."))
            return HttpResponseRedirect(detail)
        data = form.cleaned_data
        try:
            copy = till_services.visit_receipt_print_record(actor=request.user, visit=visit, width=data["paper"],
                                                            idempotency_key=data["idempotency_key"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(detail)
        name = "visits:visit-receipt-pdf" if data["format"] == "pdf" else "visits:visit-receipt"
        return HttpResponseRedirect(f"{reverse(name, args=[visit.pk, copy])}?paper={data['paper']}")


class VisitReceiptMixin(VisitMixin):
    def get_copy(self, visit: Visit, copy: int) -> int:
        """Only recorded copies are shown: a receipt is never printed unrecorded."""
        if not 1 <= copy <= till_services.visit_receipt_print_count(visit):
            raise Http404(_("This copy of the receipt was not printed."))
        return copy


class VisitReceiptView(VisitReceiptMixin, View):
    def get(self, request, pk, copy):
        visit = self.get_visit(pk)
        html = receipt.receipt_html(visit=visit, copy=self.get_copy(visit, copy), paper=request.GET.get("paper"),
                                    request=request)
        response = HttpResponse(html)
        patch_cache_control(response, private=True, no_store=True)
        return response


class VisitReceiptPdfView(VisitReceiptMixin, View):
    def get(self, request, pk, copy):
        visit = self.get_visit(pk)
        pdf = receipt.receipt_pdf(visit=visit, copy=self.get_copy(visit, copy), paper=request.GET.get("paper"))
        return site_file_response(pdf, filename=f"visit-{visit.reference}-{copy}.pdf",
                                  content_type="application/pdf", inline=True)
