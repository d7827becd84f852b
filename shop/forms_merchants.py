"""Forms of the membership screens. They parse; the services decide (shop/services/merchants.py)."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.models import MerchantCategory
from stations.models import Region


class MerchantApplicationForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, error_messages={
        "required": _("The form expired; please fill it in again.")})
    business_name = forms.CharField(label=_("Business name (as on the licence)"), max_length=100)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=30,
                                  help_text=_("The 18 characters printed on the business licence."),
                                  widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                                                "class": "cz-mono"}))
    licence = forms.FileField(label=_("Scan or photo of the business licence"),
                              help_text=_("JPEG, PNG or PDF, at most 10 MB."),
                              widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}))
    contact_name = forms.CharField(label=_("Contact person"), max_length=60)
    contact_phone = forms.CharField(label=_("Contact mobile"), max_length=11,
                                    help_text=_("Once approved, the merchant signs in with this number."),
                                    widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}))
    address = forms.CharField(label=_("Business address"), max_length=200)
    categories = forms.MultipleChoiceField(label=_("What you sell"), choices=MerchantCategory.choices,
                                           widget=forms.CheckboxSelectMultiple)
    townships = forms.ModelMultipleChoiceField(label=_("Townships you serve"), queryset=Region.objects.none(),
                                               widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Anything the county should know"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["townships"].queryset = Region.objects.filter(level=Region.Level.TOWNSHIP).order_by("code")


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the rejection"), max_length=300,
                             help_text=_("The applicant receives it by SMS."),
                             widget=forms.Textarea(attrs={"rows": 2}))


def _next_year() -> date:
    today = timezone.localdate()
    return today.replace(year=today.year + 1)


class ApproveForm(forms.Form):
    revet_on = forms.DateField(label=_("Re-vetting due on"), initial=_next_year,
                               widget=forms.DateInput(attrs={"type": "date"}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class RevetForm(forms.Form):
    revet_on = forms.DateField(label=_("Next re-vetting due on"), initial=_next_year,
                               widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("What was checked"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
