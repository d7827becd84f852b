"""The monthly settlement with the responders (/care/settlements/…): agency's payee statements of the
care responders, for the county admins: generate, approve (not their own) and record the payment —
agency's services decide."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from agency.selectors_payees import access_payee_statement_by_id, payee_statements
from agency.services.payees import payee_service_entries, payee_statement_approve, payee_statement_mark_paid
from care.services.settlements import PAYEE_PREFIX, care_statements_generate
from core.timeutil import last_full_month, month_choices, parse_month
from stations.mixins import WorkspaceMixin
from stations.scope import scope_for


class SettlementMixin(WorkspaceMixin):
    required_post = "is_county_admin"
    refusal = gettext_lazy("The settlement with the responders is for the county admins.")


class MonthForm(forms.Form):
    month = forms.ChoiceField(label=gettext_lazy("Month"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = month_choices(last_full_month(), 12)


class PaymentForm(forms.Form):
    payment_reference = forms.CharField(label=gettext_lazy("Bank payment reference"), max_length=60)


class SettlementListView(SettlementMixin, View):
    def get(self, request):
        return self.render(MonthForm())

    def post(self, request):
        form = MonthForm(request.POST)
        if form.is_valid():
            try:
                made = care_statements_generate(actor=request.user, month=parse_month(form.cleaned_data["month"]))
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("%(count)s statements for the month.") % {"count": len(made)})
                return redirect("care:settlement-list")
        return self.render(form, status=400)

    def render(self, form, status=200):
        return TemplateResponse(self.request, "care/settlement_list.html", {
            "form": form, "statements": payee_statements(user=self.request.user, code_prefix=PAYEE_PREFIX)[:200],
            "can_generate": True}, status=status)


class SettlementDetailView(SettlementMixin, View):
    def get(self, request, pk):
        return self.render(self.load(pk), PaymentForm())

    def post(self, request, pk):
        statement = self.load(pk)
        form = PaymentForm(request.POST if request.POST.get("action") == "pay" else None)
        try:
            if request.POST.get("action") == "approve":
                payee_statement_approve(actor=request.user, statement=statement)
                messages.success(request, _("The statement is approved."))
            elif request.POST.get("action") == "pay":
                if not form.is_valid():
                    return self.render(statement, form, status=400)
                payee_statement_mark_paid(actor=request.user, statement=statement,
                                          payment_reference=form.cleaned_data["payment_reference"])
                messages.success(request, _("The payment is recorded."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect("care:settlement-detail", pk=statement.pk)

    def load(self, pk):
        return access_payee_statement_by_id(user=self.request.user, statement_id=pk, code_prefix=PAYEE_PREFIX)

    def render(self, statement, form, status=200):
        scope = scope_for(self.request.user)
        return TemplateResponse(self.request, "care/settlement_detail.html", {
            "statement": statement, "form": form,
            "entries": [(e.journal.posted_at, e.journal.memo, -e.amount_fen)
                        for e in payee_service_entries(payee_code=statement.payee_code, month=statement.month)],
            "can_decide": scope.covers(statement.region.path, county_only=True),
            # Maker-checker: whoever generated it waits for another county admin's approval.
            "is_maker": statement.generated_by_id == self.request.user.pk,
        }, status=status)
