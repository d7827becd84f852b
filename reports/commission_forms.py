"""The commission report's filter bar (GET). A value that does not parse is reported beside its field
and the report falls back to its default for it; the other filters still apply."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import DateRangeCheck
from reports.commission_report import GROUP_CHOICES, CommissionParams, default_period
from reports.selectors.choices import station_choices, township_choices
from reports.selectors.commissions import commission_product_choices, commission_provider_choices
from reports.selectors.scope import ReportScope
from reports.selectors.shop_sales import merchant_choices
from reports.shop_sales_report import sales_params_as_dict

MAX_DAYS = 3 * 366  # a range longer than this is refused: ask for whole years in turn


def _parsed(form: forms.Form) -> dict:
    """The fields that parsed (a bound form's valid values), without the empty ones."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return {k: v for k, v in getattr(form, "cleaned_data", {}).items() if v not in (None, "")}


def _period(data: dict, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The dates asked for, or the last full month; a date alone extends to the other end's default."""
    start, end = default_period(today)
    date_from = data.get("date_from") or (start if not data.get("date_to") else data["date_to"].replace(day=1))
    date_to = data.get("date_to") or max(date_from, end)
    if date_from > date_to or (date_to - date_from).days > MAX_DAYS:
        return start, end
    return date_from, date_to


def _date_field(label) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}))


class _PlacesFilterForm(DateRangeCheck, forms.Form):
    """What the commission and store sales filters share: dates at most MAX_DAYS apart (each form names
    them), rows grouped by one of `group_choices`, and the townships and stations of the user's scope — an
    operator has neither (their station only), nor can group by them."""

    max_days, max_days_message = MAX_DAYS, gettext_lazy("Choose at most three years at a time.")
    field_order = ("date_from", "date_to", "group", "township", "station")
    group_choices: list[tuple[str, str]] = []
    group = forms.ChoiceField(label=gettext_lazy("Rows by"), required=False)
    township = forms.TypedChoiceField(label=gettext_lazy("Township"), required=False, coerce=int,
                                      empty_value=None)
    station = forms.TypedChoiceField(label=gettext_lazy("Station"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, townships=(), stations=(), today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["township"].choices = [("", _("All townships")), *townships]
        self.fields["station"].choices = [("", _("All stations")), *stations]
        groups = list(self.group_choices)
        if not townships:  # an operator: their station only, nothing to choose or group by
            del self.fields["township"], self.fields["station"]
            groups = [c for c in groups if c[0] not in ("township", "station")]
        self.fields["group"].choices = groups


class CommissionFilterForm(_PlacesFilterForm):
    group_choices = GROUP_CHOICES
    date_from = _date_field(gettext_lazy("Posted from"))
    date_to = _date_field(gettext_lazy("Posted until"))
    provider = forms.TypedChoiceField(label=gettext_lazy("Provider"), required=False, coerce=int, empty_value=None)
    product = forms.TypedChoiceField(label=gettext_lazy("Product"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, providers=(), products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", _("All providers")), *providers]
        self.fields["product"].choices = [("", _("All products")), *products]
        start, end = default_period(self.today)
        self.fields["date_from"].widget.attrs["placeholder"] = start.isoformat()
        self.fields["date_to"].widget.attrs["placeholder"] = end.isoformat()

    @property
    def default_group(self) -> str:
        return self.fields["group"].choices[0][0]

    def params(self) -> CommissionParams:
        """The report's parameters: the fields that parsed, defaults for the rest."""
        data = _parsed(self)
        date_from, date_to = _period(data, self.today)
        return CommissionParams(date_from=date_from, date_to=date_to, group=data.get("group") or self.default_group,
                                township=data.get("township"), station=data.get("station"),
                                provider=data.get("provider"), product=data.get("product"))

    def filter_labels(self) -> list[str]:
        """The narrowing filters in words (the export's "About" sheet and the PDF's heading)."""
        params, labels = self.params(), []
        for name in ("township", "station", "provider", "product"):
            value = getattr(params, name)
            if value is not None and name in self.fields:
                choice = dict(self.fields[name].choices).get(value)
                labels.append(f"{self.fields[name].label}: {choice}")
        return labels


SALES_GROUP_CHOICES = [
    ("merchant", gettext_lazy("Merchant")),
    ("station", gettext_lazy("Station")),
    ("township", gettext_lazy("Township")),
    ("month", gettext_lazy("Month")),
]


class ShopSalesFilterForm(_PlacesFilterForm):
    """The store sales report's filters; same rules as the commission report's."""

    group_choices = SALES_GROUP_CHOICES
    date_from = _date_field(gettext_lazy("Sold from"))
    date_to = _date_field(gettext_lazy("Sold until"))
    merchant = forms.TypedChoiceField(label=gettext_lazy("Merchant"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, merchants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merchant"].choices = [("", _("All merchants")), *merchants]

    def params(self) -> dict:
        data = _parsed(self)
        date_from, date_to = _period(data, self.today)
        return {"date_from": date_from, "date_to": date_to, "group": data.get("group") or "merchant",
                "township": data.get("township"), "station": data.get("station"), "merchant": data.get("merchant")}


def commission_form(data, *, scope: ReportScope) -> CommissionFilterForm:
    """The commission filters (`data`: a query dict, or None for the defaults), offering only the
    townships and stations of `scope`; the products of the chosen provider."""
    provider = data.get("provider") if data else None
    return CommissionFilterForm(
        data or None, townships=township_choices(scope=scope), stations=station_choices(scope=scope),
        providers=commission_provider_choices(),
        products=commission_product_choices(provider_id=int(provider) if provider and provider.isdigit() else None),
        today=timezone.localdate())


def commission_job_params(form: CommissionFilterForm) -> dict:
    return {"report": form.params().as_dict(), "filter_labels": form.filter_labels(),
            "groups": [value for value, _label in form.fields["group"].choices]}


def shop_sales_form(data, *, scope: ReportScope) -> ShopSalesFilterForm:
    """The sales filters, offering only the townships, stations and merchants of `scope`."""
    return ShopSalesFilterForm(data or None, townships=township_choices(scope=scope),
                               stations=station_choices(scope=scope), merchants=merchant_choices(scope=scope),
                               today=timezone.localdate())


def shop_sales_filter_labels(form: ShopSalesFilterForm, params: dict) -> list[str]:
    return [f"{form.fields[n].label}: {dict(form.fields[n].choices).get(params[n])}"
            for n in ("township", "station", "merchant") if params.get(n) and n in form.fields]


def shop_sales_job_params(form: ShopSalesFilterForm) -> dict:
    params = form.params()
    return {"report": sales_params_as_dict(params), "filter_labels": shop_sales_filter_labels(form, params)}
