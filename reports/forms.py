"""The reports' filter bars (GET). A value that does not parse is reported beside its field and the
report falls back to its default for it; the other filters still apply."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import DateRangeCheck
from reports.gov_report import GROUP_CHOICES, RATE_LABELS, GovKpiParams, default_period
from reports.selectors.choices import department_choices, station_choices, township_choices
from reports.selectors.dimensions import Period
from reports.selectors.scope import ReportScope


class GovKpiFilterForm(DateRangeCheck, forms.Form):
    date_from = forms.DateField(label=gettext_lazy("Received from"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("Received until"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    group = forms.ChoiceField(label=gettext_lazy("Rows by"), required=False, choices=GROUP_CHOICES)
    rate = forms.ChoiceField(label=gettext_lazy("Rate to chart"), required=False,
                             choices=list(RATE_LABELS.items()))
    department = forms.TypedChoiceField(label=gettext_lazy("Department"), required=False, coerce=int,
                                        empty_value=None)
    township = forms.TypedChoiceField(label=gettext_lazy("Township"), required=False, coerce=int,
                                      empty_value=None)
    station = forms.TypedChoiceField(label=gettext_lazy("Station"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, departments=(), townships=(), stations=(), today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["department"].choices = [("", _("All departments")), *departments]
        self.fields["township"].choices = [("", _("All townships")), *townships]
        self.fields["station"].choices = [("", _("All stations")), *stations]
        if not townships:
            del self.fields["township"]
            self.fields["group"].choices = [c for c in GROUP_CHOICES if c[0] != "township"]
        if not stations:
            del self.fields["station"]
            self.fields["group"].choices = [c for c in self.fields["group"].choices if c[0] != "station"]
        start, end = default_period(today)
        self.fields["date_from"].widget.attrs["placeholder"] = start.isoformat()
        self.fields["date_to"].widget.attrs["placeholder"] = end.isoformat()

    def params(self) -> GovKpiParams:
        """The report's parameters: the fields that parsed, defaults for the rest."""
        data = {}
        if self.is_bound:
            self.is_valid()
            data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "")}
        start, end = default_period(self.today)
        date_from = data.get("date_from") or (start if not data.get("date_to") else data["date_to"].replace(day=1))
        date_to = data.get("date_to") or max(date_from, end)
        if date_from > date_to:
            date_from, date_to = start, end
        return GovKpiParams(date_from=date_from, date_to=date_to, group=data.get("group") or "department",
                            rate=data.get("rate") or "completion_rate", department=data.get("department"),
                            township=data.get("township"), station=data.get("station"))

    def filter_labels(self) -> list[str]:
        """The narrowing filters in words (the export's "About" sheet and the PDF's heading)."""
        params, labels = self.params(), []
        for name in ("department", "township", "station"):
            value = getattr(params, name)
            if value is not None and name in self.fields:
                choice = dict(self.fields[name].choices).get(value)
                labels.append(f"{self.fields[name].label}: {choice}")
        return labels


def gov_kpi_form(data, *, scope: ReportScope) -> GovKpiFilterForm:
    """The government-service filters (`data`: a query dict, or None for the defaults), offering only
    the departments, townships and stations of `scope`."""
    return GovKpiFilterForm(data or None, departments=department_choices(scope=scope),
                            townships=township_choices(scope=scope), stations=station_choices(scope=scope),
                            today=timezone.localdate())


def gov_kpi_job_params(form: GovKpiFilterForm) -> dict:
    return {"report": form.params().as_dict(), "filter_labels": form.filter_labels()}


class OfficerFigureFilterForm(DateRangeCheck, forms.Form):
    """The per-officer figures' filters: the period (this year so far by default) and one department."""

    date_from = forms.DateField(label=gettext_lazy("Done from"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("Done until"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    department = forms.TypedChoiceField(label=gettext_lazy("Department"), required=False, coerce=int,
                                        empty_value=None)

    def __init__(self, *args, departments=(), today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["department"].choices = [("", _("All departments")), *departments]

    def params(self) -> tuple[Period, int | None]:
        """(the period, the department id or None): the fields that parsed, defaults for the rest."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        start, end = default_period(self.today)
        return Period(data.get("date_from") or start, data.get("date_to") or end), data.get("department")

    def filter_labels(self) -> list[str]:
        _period, department = self.params()
        if department is None:
            return []
        return [f"{self.fields['department'].label}: {dict(self.fields['department'].choices).get(department)}"]


def officer_figures_form(data, *, scope: ReportScope) -> OfficerFigureFilterForm:
    return OfficerFigureFilterForm(data or None, departments=department_choices(scope=scope),
                                   today=timezone.localdate())
