"""Forms of the till's pages (agency/views_counter.py, views_payment.py, views_transactions.py, views_county.py, views_statements.py).

They only parse what the browser sent: yuan amounts into integer fen (core.money's YuanField, never
float), the idempotency key, choices. Whether an account number, an amount or a payment method
is acceptable for a product is the services' decision (services.check_payment and the
submit services); the views put their ValidationError messages back beside these fields.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agency.models import CounterTransaction, Provider
from core.money import YuanField, format_yuan
from core.timeutil import last_full_month, month_choices, parse_month

KEY_LOST = _("This form has lost its key. Open the form again and fill it in once more.")
STATEMENT_MONTHS = 24  # the statement pages offer the last 24 ended months
RECEIPT_WIDTHS = (("80", _("80 mm roll")), ("58", _("58 mm roll")))


class KeyedForm(forms.Form):
    """Every form that writes carries a key made when the form was first shown: a resend or a double
    click returns the first result (the services are idempotent on it)."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, error_messages={
        "required": KEY_LOST, "invalid": KEY_LOST})


# --- Paying at the counter ------------------------------------------------------------------

class PaymentForm(KeyedForm):
    """Account, amount and how the resident pays, for one product. `step` says which button was pressed."""

    STEPS = ("lookup", "review", "pay", "edit")

    step = forms.ChoiceField(choices=[(s, s) for s in STEPS], initial="review", widget=forms.HiddenInput,
                             required=False)
    account_number = forms.CharField(label=_("Account number"), max_length=40, required=False,
                                     widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                                                   "inputmode": "numeric", "class": "cz-mono"}))
    payment_method = forms.ChoiceField(label=_("The resident pays by"), widget=forms.RadioSelect)
    customer_name = forms.CharField(max_length=60, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, product, methods, **kwargs):
        super().__init__(*args, **kwargs)
        self.product = product
        label = product.account_label or _("Account number")
        self.fields["account_number"].label = label
        if product.amount_choices_fen:
            self.fields["amount"] = forms.TypedChoiceField(
                label=_("Amount"), coerce=int, widget=forms.RadioSelect, required=False, empty_value=None,
                choices=[(str(fen), format_yuan(fen)) for fen in product.amount_choices_fen])
        else:
            self.fields["amount"] = YuanField(
                label=_("Amount (yuan)"), min_fen=1, required=False,
                help_text=_("From %(low)s to %(high)s.") % {"low": format_yuan(product.amount_min_fen),
                                                           "high": format_yuan(product.amount_max_fen)})
        choices = CounterTransaction.PaymentMethod
        self.fields["payment_method"].choices = [(m, choices(m).label) for m in methods]
        self.fields["payment_method"].initial = methods[0]
        self.order_fields(["step", "idempotency_key", "account_number", "amount", "payment_method"])

    @property
    def step_name(self) -> str:
        return self.cleaned_data.get("step") or "review"

    def raw(self) -> dict[str, str]:
        """The values as sent, for the hidden inputs of the confirmation page."""
        return {name: self[name].value() or "" for name in
                ("idempotency_key", "account_number", "amount", "payment_method", "customer_name")}


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Why is it reversed?"), max_length=200,
                             widget=forms.TextInput(attrs={"autocomplete": "off"}),
                             help_text=_("E.g. wrong account number, the resident changed their mind."))


class ReceiptPrintForm(KeyedForm):
    width = forms.ChoiceField(label=_("Printer"), choices=RECEIPT_WIDTHS, initial="80", widget=forms.RadioSelect)
    format = forms.ChoiceField(choices=[("html", "HTML"), ("pdf", "PDF")], initial="html", widget=forms.HiddenInput)


# --- Floats ---------------------------------------------------------------------------------

class TopUpRequestForm(KeyedForm):
    float_group = forms.ChoiceField(label=_("Float to top up"), choices=Provider.FloatGroup.choices)
    amount = YuanField(label=_("Amount (yuan)"), min_fen=1)
    bank_reference = forms.CharField(label=_("Bank transfer reference"), max_length=60, required=False,
                                     help_text=_("The reference on the bank slip of the money you paid in."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class DecisionForm(forms.Form):
    """Approve or reject with a note (a rejection must say why: the service insists)."""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", pgettext_lazy("till decision", "Reject"))],
                                 widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ThresholdForm(forms.Form):
    low_threshold = YuanField(label=_("Warn below (yuan)"), min_fen=0)


# --- Daily close ------------------------------------------------------------------------------

class CashCloseForm(KeyedForm):
    counted = YuanField(label=_("Cash counted in the drawer (yuan)"), min_fen=0)
    explanation = forms.CharField(
        label=_("Explanation of any difference"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when the count differs from what the ledger expects; the township admin reviews it."))


# --- Statements -------------------------------------------------------------------------------

class StatementGenerateForm(forms.Form):
    month = forms.ChoiceField(label=_("Month"))

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = month_choices(last_full_month(today), STATEMENT_MONTHS)

    def clean_month(self) -> datetime.date:
        return parse_month(self.cleaned_data["month"])


class MarkPaidForm(forms.Form):
    payment_reference = forms.CharField(label=_("Bank payment reference"), max_length=60,
                                        widget=forms.TextInput(attrs={"autocomplete": "off"}))
