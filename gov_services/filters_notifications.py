"""The text-message outbox's filters (/county/sms/), with django-filter: a mobile number or tracking code
(its beginning), the status, the purpose (those of the admin's region, passed in) and the day queued.
Only parses and narrows the rows the scope already narrowed (notifications.sms_outbox_in_scope)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import DateRangeForm, ListFilter, day_range_filters
from core.models import SmsOutboxMessage


def _number_or_code(queryset, name, value):
    text = value.strip().replace("-", "").upper()
    return queryset.filter(Q(phone__startswith=text) | Q(reference__startswith=text)) if text else queryset


class SmsOutboxFilter(ListFilter):
    q = django_filters.CharFilter(label=_("Mobile number or tracking code"), max_length=30, method=_number_or_code)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SmsOutboxMessage.Status.choices,
                                         empty_label=_("Any status"))
    purpose = django_filters.ChoiceFilter(label=_("Purpose"), empty_label=_("Any purpose"))
    date_from, date_to = day_range_filters("created_at", from_label=_("Queued from"), to_label=_("Queued until"))

    class Meta:
        form = DateRangeForm

    def __init__(self, *args, purposes=(), **kwargs):
        """`purposes`: (key, label) of the purposes in the admin's region."""
        super().__init__(*args, **kwargs)
        self.filters["purpose"].extra["choices"] = list(purposes)
