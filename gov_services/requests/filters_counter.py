"""The station ledger's filters (/counter/requests/ and its XLSX export), with django-filter: the month
submitted (this month and the 35 before it), the category and the status. Only parses and narrows the
station's ledger (selectors.requests.station_ledger)."""

import datetime

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import ListFilter, MonthFilter
from core.timeutil import month_choices
from gov_services.models import ServiceRequest
from gov_services.requests.filters_dept import CategoryFilter
from gov_services.requests.selectors.requests import submitted_in_month_q

LEDGER_MONTHS = 36  # the month filter offers this month and the 35 before it


class LedgerFilter(ListFilter):
    month = MonthFilter(label=_("Month"), empty_label=_("All months"),
                        method=lambda queryset, name, value: queryset.filter(submitted_in_month_q(value)))
    category = CategoryFilter(label=_("Category"), empty_label=_("All categories"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ServiceRequest.Status.choices,
                                         empty_label=_("All statuses"))

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["month"].extra["choices"] = month_choices(today, LEDGER_MONTHS)
