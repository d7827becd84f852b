"""The till at the counter (/counter/till/ …): its home page, the float top-ups and the daily close. The
payment pages are views_payment.py, the transactions and receipts views_transactions.py, the station's
commission statements views_statements.py.

Only the station's operators get in (views_common.TillAccessMixin), and only to their station's rows.
Views parse, check access, call one service or selector, render.

Idempotency: every form that writes carries a key made when the form was first shown (uuid4). It
survives a page shown again with errors, so a double click or a resend after a network drop returns
the first result instead of a second request.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import View

from agency import selectors, services
from agency.forms import CashCloseForm, TopUpRequestForm
from agency.models import DailyCashClose
from agency.views_common import FIELD_OF_SERVICE_KEY, TillAccessMixin
from core.service_errors import errors_onto

# ---------------------------------------------------------------------------------------------
# 1. The till: today at a glance
# ---------------------------------------------------------------------------------------------

class TillView(TillAccessMixin, View):
    """Today's transactions, the floats (low ones flagged), cash expected, commission this month."""

    def get(self, request):
        summary = selectors.station_till_summary(station=self.station)
        pending_top_ups = selectors.float_top_up_request_list(
            user=request.user, station_id=self.station.pk, status="requested")
        return TemplateResponse(request, "agency/till.html", {
            "station": self.station, "summary": summary,
            "low_floats": [w for w in summary["floats"] if w.is_low],
            "pending_top_ups": list(pending_top_ups[:5]),
        })


# ---------------------------------------------------------------------------------------------
# 2. Floats: the station's wallets and its top-up requests
# ---------------------------------------------------------------------------------------------

class FloatTopUpCreateView(TillAccessMixin, View):
    def render_page(self, form, status: int = 200):
        return TemplateResponse(self.request, "agency/counter_floats.html", {
            "station": self.station, "form": form, "floats": selectors.station_floats(station=self.station),
            "top_ups": list(selectors.float_top_up_request_list(user=self.request.user,
                                                                station_id=self.station.pk)[:30]),
        }, status=status)

    def get(self, request):
        initial = {"idempotency_key": uuid.uuid4(), "float_group": request.GET.get("group", "")}
        return self.render_page(TopUpRequestForm(initial=initial))

    def post(self, request):
        form = TopUpRequestForm(request.POST)
        if not form.is_valid():
            return self.render_page(form, status=400)
        data = form.cleaned_data
        try:
            top_up = services.float_top_up_request(
                actor=request.user, station=self.station, float_group=data["float_group"], amount_fen=data["amount"],
                idempotency_key=data["idempotency_key"], bank_reference=data["bank_reference"], note=data["note"])
        except ValidationError as error:
            errors_onto(form, error, fields=FIELD_OF_SERVICE_KEY)
            return self.render_page(form, status=400)
        messages.success(request, _("Top-up request %(reference)s sent to the county.") % {"reference": top_up.reference})
        return HttpResponseRedirect(reverse("agency:counter-floats"))


# ---------------------------------------------------------------------------------------------
# 3. The daily cash close (日结)
# ---------------------------------------------------------------------------------------------

class CashCloseView(TillAccessMixin, View):
    """Expected cash from the ledger, the operator's count, a variance explained for the township admin."""

    def render_page(self, form, status: int = 200):
        today = selectors.daily_cash_close_for(station=self.station)
        can_close = today is None or today.status == DailyCashClose.Status.REJECTED
        return TemplateResponse(self.request, "agency/counter_close.html", {
            "station": self.station, "form": form if can_close else None, "today_close": today,
            "expected_fen": services.expected_cash_fen(self.station), "business_date": timezone.localdate(),
            "history": list(selectors.daily_cash_close_list(user=self.request.user,
                                                            station_id=self.station.pk)[:30]),
        }, status=status)

    def get(self, request):
        return self.render_page(CashCloseForm(initial={"idempotency_key": uuid.uuid4()}))

    def post(self, request):
        form = CashCloseForm(request.POST)
        if not form.is_valid():
            return self.render_page(form, status=400)
        data = form.cleaned_data
        try:
            close = services.daily_cash_close_submit(actor=request.user, station=self.station,
                                                     counted_fen=data["counted"], explanation=data["explanation"],
                                                     idempotency_key=data["idempotency_key"])
        except ValidationError as error:
            errors_onto(form, error, fields=FIELD_OF_SERVICE_KEY)
            return self.render_page(form, status=400)
        if close.status == DailyCashClose.Status.BALANCED:
            messages.success(request, _("The day is closed: the drawer matches the ledger."))
        else:
            messages.warning(request, _("The day is closed with a difference; the township admin will review it."))
        return HttpResponseRedirect(reverse("agency:counter-close"))
