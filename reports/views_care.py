"""Care figures (/county/reports/care/): calls, response time (median, 90th percentile), completion and
satisfaction by village, responder or service, for whoever works the care desk (care operators, township
and county admins), over the calls their scope holds. Read from care's selectors; nothing is written."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views import View

from care import figures
from care.selectors_figures import DIMENSIONS, care_call_rows
from stations.mixins import WorkspaceMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DIMENSION_LABELS = {"village": _("Village"), "responder": _("Responder"), "service": _("Service")}


class CareFiguresForm(forms.Form):
    date_from = forms.DateField(label=pgettext_lazy("date range", "From"), widget=DATE)
    date_to = forms.DateField(label=pgettext_lazy("date range", "To"), widget=DATE)
    dimension = forms.ChoiceField(label=_("By"), choices=[(d, DIMENSION_LABELS[d]) for d in DIMENSIONS])

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The first day must not be after the last."))
        return data


class CareFiguresView(WorkspaceMixin, View):
    required_post = "is_care_staff"
    refusal = _("The care figures are for the care desk and the township and county admins.")

    def get(self, request):
        today = timezone.localdate()
        initial = {"date_from": today - timedelta(days=29), "date_to": today, "dimension": "village"}
        form = CareFiguresForm({**initial, **request.GET.dict()} if request.GET else initial)
        table = []
        if form.is_valid():
            data = form.cleaned_data
            table = figures.figures(care_call_rows(user=request.user, date_from=data["date_from"],
                                                   date_to=data["date_to"], dimension=data["dimension"]))
        return TemplateResponse(request, "reports/care_figures.html", {
            "form": form, "rows": table[:-1], "total": table[-1] if table else None,
            "dimension_label": DIMENSION_LABELS.get(form.data.get("dimension"), DIMENSION_LABELS["village"])},
            status=200 if form.is_valid() else 400)
