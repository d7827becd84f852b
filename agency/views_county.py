"""The till's back office (/county/floats/, /county/closes/): float top-ups and thresholds, daily closes.
The commission statements, the back office's and the operator's, are views_statements.py.

Township and county admins see the stations under their region (the selectors scope every list);
the county-wide acts (top-ups, thresholds) are for county admins only (`CountyOfficeMixin`:
403 for a township admin before any form is read); which station's row they may decide is the services'
business (cash variances the township's or the county's), and nobody approves what they did themselves.
Buttons are shown where the scope predicates the services enforce allow them (every row listed lies
in the admin's region, so a county-only act is offered to a county admin).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView, View

from agency import selectors, services
from agency.filters import StatusFilter
from agency.forms import DecisionForm, ThresholdForm
from agency.models import DailyCashClose, FloatTopUpRequest
from agency.views_common import BackOfficeMixin, CountyOfficeMixin, error_text
from stations.scope import scope_for

WALLETS_PAGE_SIZE = 60
LIST_PAGE_SIZE = 40


def with_default(query, **defaults):
    """The query string with defaults for the filters it does not name ("status=" names "all")."""
    data = query.copy()
    for key, value in defaults.items():
        data.setdefault(key, value)
    return data


def _back(request, default: str) -> HttpResponseRedirect:
    """Back to the list the form was on (its query string kept), never off-site."""
    target = request.POST.get("next", "")
    return HttpResponseRedirect(target if target.startswith("/county/") else default)


class DecisionView(View):
    """POST: approve or reject (DecisionForm, with its note) one row an admin decides, then back to the list
    with what happened or why the service refused. Subclasses: `list_url_name`, `row` (the access_*
    selector) and `approve` / `reject` (the service call, returning the message of success)."""

    http_method_names = ["post"]
    list_url_name: str

    def row(self, request, pk):
        raise NotImplementedError

    def approve(self, request, row, note: str) -> str:
        raise NotImplementedError

    def reject(self, request, row, note: str) -> str:
        raise NotImplementedError

    def post(self, request, pk):
        row = self.row(request, pk)
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose approve or reject."))
            return _back(request, reverse(self.list_url_name))
        decide = self.approve if form.cleaned_data["decision"] == "approve" else self.reject
        try:
            messages.success(request, decide(request, row, form.cleaned_data["note"]))
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        return _back(request, reverse(self.list_url_name))


# ---------------------------------------------------------------------------------------------
# 1. Floats: top-up requests to decide, wallets and their warning thresholds
# ---------------------------------------------------------------------------------------------

class FloatAdminView(BackOfficeMixin, ListView):
    """Top-up requests (those waiting first) and every wallet's balance, with its threshold."""

    template_name = "agency/county_floats.html"
    context_object_name = "wallets"
    paginate_by = WALLETS_PAGE_SIZE

    def get_queryset(self):
        wallets = selectors.float_wallet_list(user=self.request.user)
        if self.request.GET.get("low"):  # available (balance − held) below the warning threshold
            wallets = wallets.filter(balance_fen__lt=F("reserved_fen") + F("low_threshold_fen"))
        return wallets

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        search = StatusFilter(with_default(self.request.GET, status=FloatTopUpRequest.Status.REQUESTED),
                              queryset=selectors.float_top_up_request_list(user=user),
                              statuses=FloatTopUpRequest.Status.choices)
        top_ups = search.qs
        wallets = list(context["wallets"])
        low_count = sum(w.is_low for w in selectors.float_wallet_list(user=user))  # every page's, not this one's
        return {**context, "region": self.region, "wallets": wallets, "filter_form": search.form,
                "low_only": bool(self.request.GET.get("low")),
                "top_ups": list(top_ups[:LIST_PAGE_SIZE]), "low_count": low_count,
                "may_decide": scope_for(user).is_county_admin,
                "may_set_threshold": scope_for(user).is_county_admin}


class TopUpDecideView(CountyOfficeMixin, DecisionView):
    list_url_name = "agency:county-floats"

    def row(self, request, pk):
        return selectors.access_float_top_up_request_by_id(user=request.user, top_up_id=pk)

    def approve(self, request, top_up, note):
        services.float_top_up_approve(actor=request.user, top_up=top_up, note=note)
        return _("Top-up %(reference)s approved: the float is credited.") % {"reference": top_up.reference}

    def reject(self, request, top_up, note):
        services.float_top_up_reject(actor=request.user, top_up=top_up, note=note)
        return _("Top-up %(reference)s rejected.") % {"reference": top_up.reference}


class WalletThresholdView(CountyOfficeMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        wallet = selectors.access_float_wallet_by_id(user=request.user, wallet_id=pk)
        form = ThresholdForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors.get("low_threshold", [_("Enter an amount in yuan.")])))
            return _back(request, reverse("agency:county-floats"))
        try:
            services.float_wallet_set_threshold(actor=request.user, wallet=wallet,
                                                low_threshold_fen=form.cleaned_data["low_threshold"])
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Threshold of %(wallet)s saved.") % {"wallet": wallet})
        return _back(request, reverse("agency:county-floats"))


# ---------------------------------------------------------------------------------------------
# 2. Daily closes: variances to approve
# ---------------------------------------------------------------------------------------------

class CloseAdminView(BackOfficeMixin, ListView):
    """The stations' daily closes; by default those whose variance waits for a decision."""

    template_name = "agency/county_closes.html"
    context_object_name = "closes"
    paginate_by = LIST_PAGE_SIZE

    def get_filter(self) -> StatusFilter:
        if not hasattr(self, "search"):
            self.search = StatusFilter(with_default(self.request.GET, status=DailyCashClose.Status.AWAITING_APPROVAL),
                                       queryset=selectors.daily_cash_close_list(user=self.request.user),
                                       statuses=DailyCashClose.Status.choices)
        return self.search

    def get_queryset(self):
        return self.get_filter().qs

    def get_context_data(self, **kwargs):
        waiting = selectors.daily_cash_close_list(user=self.request.user,
                                                  status=DailyCashClose.Status.AWAITING_APPROVAL).count()
        return super().get_context_data(region=self.region, filter_form=self.get_filter().form, waiting=waiting,
                                        may_decide=scope_for(self.request.user).is_county_staff,
                                        **kwargs)


class CloseDecideView(BackOfficeMixin, DecisionView):
    list_url_name = "agency:county-closes"

    def row(self, request, pk):
        return selectors.access_daily_cash_close_by_id(user=request.user, close_id=pk)

    def approve(self, request, close, note):
        services.daily_cash_close_approve(actor=request.user, close=close, note=note)
        return _("The variance of %(close)s is approved and posted.") % {"close": close}

    def reject(self, request, close, note):
        services.daily_cash_close_reject(actor=request.user, close=close, note=note)
        return _("The count of %(close)s is sent back to be done again.") % {"close": close}
