"""The till's list filters, with django-filter; each only parses and narrows what the scope's selector gave
(agency/selectors.py). A value that does not parse is shown beside its field and left out."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from agency.forms import STATEMENT_MONTHS
from agency.models import CommissionStatement, CounterTransaction
from core.filters import ListFilter, MonthFilter
from core.timeutil import day_bounds, last_full_month, month_choices


def _reference(queryset, name, value):
    return queryset.filter(reference=value.upper())


def _on_day(queryset, name, value):
    start, end = day_bounds(value)
    return queryset.filter(created_at__gte=start, created_at__lt=end)


class TransactionFilter(ListFilter):
    """The station's transactions: a reference (from a resident's slip, found whatever the day), or a day
    and a status."""

    reference = django_filters.CharFilter(
        label=_("Reference"), max_length=20, method=_reference,
        widget=forms.TextInput(attrs={"class": "cz-mono", "autocomplete": "off", "placeholder": "AG…"}))
    on = django_filters.DateFilter(label=_("Day"), method=_on_day, widget=forms.DateInput(attrs={"type": "date"}))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CounterTransaction.Status.choices,
                                         empty_label=_("All statuses"))

    def filter_queryset(self, queryset):
        # A slip's reference finds its transaction whatever the day and status.
        return self.narrow(queryset, leave_out=("on", "status") if self.cleaned().get("reference") else ())


class StatusFilter(ListFilter):
    """A back-office list by status (float top-ups, daily closes): `statuses` are the model's choices."""

    status = django_filters.ChoiceFilter(label=_("Status"), empty_label=_("All statuses"))

    def __init__(self, *args, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["status"].extra["choices"] = statuses


class StatementFilter(ListFilter):
    """The county's commission statements (the list and its month's CSV): an ended month and the status."""

    month = MonthFilter(label=_("Month"), empty_label=_("All months"), field_name="month")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CommissionStatement.Status.choices,
                                         empty_label=_("All statuses"))

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["month"].extra["choices"] = month_choices(last_full_month(today), STATEMENT_MONTHS)
