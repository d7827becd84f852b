"""Forms of the till's set-up pages (agency/views_setup.py).

They parse what was typed — yuan into fen (core.money), percentages into basis points, fixed amounts
and slab bands as the import files write them (agency/services/setup_rows.py), never through float —
and hand the fields to the set-up services, which decide what is acceptable. `SERVICE_FIELD` says which
form field shows a service error keyed by a model field.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agency.models import CommissionPlan, CommissionPlanVersion, Product, Provider
from agency.services.setup import terms_of
from agency.services.setup_import import CAPS
from agency.services.setup_rows import (
    format_percent,
    format_slabs,
    format_yuan_list,
    parse_percent,
    parse_slabs,
    parse_yuan_list,
)
from core.forms import ImportUploadForm
from core.money import YuanField

SERVICE_FIELD = {
    "amount_min_fen": "amount_min", "amount_max_fen": "amount_max", "amount_choices_fen": "amount_choices",
    "customer_fee_fen": "customer_fee", "rate_bp": "rate", "flat_fen": "flat", "min_fen": "min", "max_fen": "max",
    "share_operator_bp": "share_operator", "share_township_bp": "share_township", "share_county_bp": "share_county",
    "share_platform_bp": "share_platform", "tax_rate_bp": "tax_rate",
}
CODE_HELP = _("Letters, digits, - and _; it names the row in import files and cannot be changed later.")


class _ParsedText(forms.CharField):
    """Text parsed into a value by `parse` (shown again by `show`); its length is checked before parsing,
    since the value is no longer text."""

    most_chars = 12
    empty = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("maxlength", str(self.most_chars))

    def parse(self, text: str):
        raise NotImplementedError

    def show(self, value) -> str:
        raise NotImplementedError

    def prepare_value(self, value):
        return value if isinstance(value, str) or value is None else self.show(value)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return self.empty() if callable(self.empty) else self.empty
        if len(value) > self.most_chars:
            raise ValidationError(_("At most %(n)d characters.") % {"n": self.most_chars})
        return self.parse(value)


class PercentField(_ParsedText):
    """A percentage typed as 2.5 (at most two decimals), cleaned to basis points (250)."""

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "decimal", "autocomplete": "off"}

    def parse(self, text):
        return parse_percent(text)

    def show(self, value):
        return format_percent(value)


class YuanListField(_ParsedText):
    most_chars = 200
    empty = list

    def parse(self, text):
        return parse_yuan_list(text)

    def show(self, value):
        return format_yuan_list(value)


class SlabsField(_ParsedText):
    most_chars = 1000
    empty = list

    def parse(self, text):
        return parse_slabs(text)

    def show(self, value):
        return format_slabs(value).replace("; ", "\n")


def _code_field() -> forms.SlugField:
    return forms.SlugField(label=_("Code"), max_length=30, help_text=CODE_HELP,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "class": "cz-mono"}))


# --- providers and products --------------------------------------------------------------------------

class ProviderForm(forms.Form):
    code = _code_field()
    name = forms.CharField(label=pgettext_lazy("till set-up", "Name"), max_length=80)
    float_group = forms.ChoiceField(label=_("Kind of provider (float)"), choices=Provider.FloatGroup.choices,
                                    help_text=_("Its products draw on the station's float of this kind."))
    adapter = forms.ChoiceField(label=_("Connection"), help_text=_("How the till talks to the provider "
                                                                    "(AGENCY_PROVIDER_ADAPTERS in the settings)."))
    is_active = forms.BooleanField(label=_("Offered at the counter"), required=False, initial=True)

    def __init__(self, *args, provider: Provider | None = None, **kwargs):
        if provider is not None:
            kwargs.setdefault("initial", {name: getattr(provider, name) for name in
                                          ("code", "name", "float_group", "adapter", "is_active")})
        super().__init__(*args, **kwargs)
        adapters = sorted(settings.AGENCY_PROVIDER_ADAPTERS)
        if provider is not None and provider.adapter not in adapters:
            adapters.append(provider.adapter)  # kept visible, so that saving shows why it is refused
        self.fields["adapter"].choices = [(name, name) for name in adapters]
        if provider is not None:
            del self.fields["code"]

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class ProductForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=CODE_HELP,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "class": "cz-mono"}))
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Provider.objects.order_by("name"))
    name = forms.CharField(label=pgettext_lazy("till set-up", "Name"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=Product.Kind.choices)
    direction = forms.ChoiceField(label=_("Direction of the cash"), choices=Product.Direction.choices,
                                  widget=forms.RadioSelect, initial=Product.Direction.COLLECT)
    account_label = forms.CharField(label=_("What the resident calls the account"), max_length=30, required=False,
                                    help_text=_("e.g. 户号, 手机号码"))
    account_min_length = forms.IntegerField(label=_("Shortest account number"), min_value=1, max_value=60, initial=1)
    account_max_length = forms.IntegerField(label=_("Longest account number"), min_value=1, max_value=60, initial=30)
    account_digits_only = forms.BooleanField(label=_("Digits only"), required=False, initial=True)
    account_check_digit = forms.ChoiceField(label=_("Check digit"), choices=Product.CheckDigit.choices)
    amount_min = YuanField(label=_("Smallest amount (yuan)"), min_fen=1, initial=1)
    amount_max = YuanField(label=_("Largest amount (yuan)"), min_fen=1)
    amount_choices = YuanListField(label=_("Fixed amounts (yuan)"), required=False,
                                   help_text=_("e.g. 30;50;100 — leave empty for any amount within the limits."))
    customer_fee = YuanField(label=_("Fee the resident pays (yuan)"), min_fen=0, initial=0)
    reversal_window_minutes = forms.IntegerField(label=_("Reversal window (minutes)"), min_value=0, max_value=1440,
                                                 initial=30)
    lookup_supported = forms.BooleanField(label=_("The provider can look up the account"), required=False)
    commission_plan = forms.ModelChoiceField(label=_("Commission plan"), required=False,
                                             queryset=CommissionPlan.objects.order_by("name"),
                                             empty_label=_("No commission"))
    is_active = forms.BooleanField(label=_("Offered at the counter"), required=False, initial=True)

    FIELD_OF = {"amount_min": "amount_min_fen", "amount_max": "amount_max_fen", "amount_choices": "amount_choices_fen",
                "customer_fee": "customer_fee_fen"}

    def __init__(self, *args, product: Product | None = None, **kwargs):
        if product is not None:
            kwargs.setdefault("initial", {name: getattr(product, self.FIELD_OF.get(name, name)) for name in self.base_fields
                                          if name != "code"})
        super().__init__(*args, **kwargs)
        if product is not None:
            del self.fields["code"]

    def service_fields(self) -> dict:
        return {self.FIELD_OF.get(name, name): value for name, value in self.cleaned_data.items() if name != "code"}


# --- commission plans --------------------------------------------------------------------------------

class PlanTermsForm(forms.Form):
    """A version's terms and start date; with "preview" pressed, an amount to try them on."""

    effective_from = forms.DateField(label=_("In force from"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label=_("How the commission is computed"), widget=forms.RadioSelect,
                               choices=CommissionPlanVersion.Method.choices, initial="percentage")
    rate = PercentField(label=_("Rate (%)"), required=False, help_text=_("For a percentage of the amount."))
    flat = YuanField(label=_("Amount per transaction (yuan)"), min_fen=0, required=False,
                     help_text=_("For a flat amount per transaction."))
    slabs = SlabsField(label=_("Bands"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                       help_text=_("For slabs, one band a line: upper limit (yuan):rate %:amount per transaction "
                                   "(yuan); the last band's upper limit is 以上. e.g. 100:0:0.30"))
    min = YuanField(label=_("Smallest commission (yuan)"), min_fen=0, required=False)
    max = YuanField(label=_("Largest commission (yuan)"), min_fen=0, required=False,
                    help_text=_("Leave empty for no upper limit."))
    share_operator = PercentField(label=_("Operator's share (%)"), initial=100)
    share_township = PercentField(label=_("Township's share (%)"), initial=0)
    share_county = PercentField(label=_("County's share (%)"), initial=0)
    share_platform = PercentField(label=_("Platform's share (%)"), initial=0)
    tax_rate = PercentField(label=_("Tax withheld from the operator's share (%)"), initial=0)
    try_amount = YuanField(label=_("Try it on an amount (yuan)"), min_fen=0, required=False)

    TERM_OF = {"rate": "rate_bp", "flat": "flat_fen", "slabs": "slabs", "min": "min_fen", "max": "max_fen",
               "share_operator": "share_operator_bp", "share_township": "share_township_bp",
               "share_county": "share_county_bp", "share_platform": "share_platform_bp", "tax_rate": "tax_rate_bp",
               "method": "method"}
    DEFAULTS = {"rate": 0, "flat": 0, "slabs": [], "min": 0}

    def __init__(self, *args, terms_from: CommissionPlanVersion | None = None, **kwargs):
        if terms_from is not None:
            kwargs.setdefault("initial", {name: terms_of(terms_from)[term] for name, term in self.TERM_OF.items()})
        super().__init__(*args, **kwargs)
        self.fields["effective_from"].initial = timezone.localdate()

    def service_terms(self) -> dict:
        data = self.cleaned_data
        terms = {term: data[name] if data[name] is not None else self.DEFAULTS.get(name)
                 for name, term in self.TERM_OF.items()}
        return {"effective_from": data["effective_from"], **terms}


class PlanCreateForm(PlanTermsForm):
    code = _code_field()
    name = forms.CharField(label=pgettext_lazy("till set-up", "Name"), max_length=80)
    field_order = ["code", "name"]


class CommissionPreviewForm(forms.Form):
    """The plan page's calculator."""

    amount = YuanField(label=_("Amount (yuan)"), min_fen=0)
    on = forms.DateField(label=_("Paid on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


# --- imports -------------------------------------------------------------------------------------------

class SetupImportForm(ImportUploadForm):
    caps = CAPS


class SetupApplyForm(forms.Form):
    check_job = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
