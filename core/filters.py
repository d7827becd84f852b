"""A list page's filters with django-filter: a FilterSet parses the query string and narrows a queryset the
scope already narrowed (the selectors keep the scope; see gov_services/requests/filters_dept.py).

A value that does not parse is reported beside its field (`form.errors`, in the user's language) and left
out: `qs` narrows by the filters that parsed. A page that ignores every filter when one is wrong says so
itself (`qs if is_valid() else queryset`).
"""

import django_filters
from django import forms
from django.db.models import QuerySet

from core.forms import DateRangeCheck
from core.timeutil import end_of_day, parse_month, start_of_day


class DateRangeForm(DateRangeCheck, forms.Form):
    """The form of a FilterSet with `date_from` … `date_to` (Meta.form): an end before the start is refused
    on `date_to`."""


class ListFilter(django_filters.FilterSet):
    """A list page's FilterSet: `filtered` (any filter given that parsed) and `qs_without(name)` (narrowed
    by every other filter, e.g. for the counts of status chips)."""

    def cleaned(self) -> dict:
        """The filters that parsed (none when unbound)."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return self.form.cleaned_data

    @property
    def filtered(self) -> bool:
        return any(value not in (None, "", False) for value in self.cleaned().values())

    def narrow(self, queryset: QuerySet, *, leave_out=()) -> QuerySet:
        for name, value in self.cleaned().items():
            if name not in leave_out:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        return self.narrow(queryset)

    def qs_without(self, *names: str) -> QuerySet:
        return self.narrow(self.queryset.all(), leave_out=names)


class DayFilter(django_filters.DateFilter):
    """A local day (the county's) on a date-time field: `lookup_expr` "gte" from its first moment, "lte"
    until its last."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        moment = start_of_day(value) if self.lookup_expr == "gte" else end_of_day(value)
        return self.get_method(qs)(**{f"{self.field_name}__{self.lookup_expr}": moment})


def day_range_filters(field_name: str, *, from_label, to_label) -> tuple[DayFilter, DayFilter]:
    """`date_from`, `date_to` on `field_name` (local days; give the FilterSet Meta.form = DateRangeForm)."""
    return (DayFilter(field_name=field_name, lookup_expr="gte", label=from_label),
            DayFilter(field_name=field_name, lookup_expr="lte", label=to_label))


class MonthChoiceField(django_filters.fields.ChoiceField):
    """One of the offered months ("2025-06", core.timeutil.month_choices), cleaned to its first day."""

    def clean(self, value):
        value = super().clean(value)
        return parse_month(value) if value else None


class MonthFilter(django_filters.ChoiceFilter):
    """A month picked from a list; the FilterSet sets the choices and says how a month narrows (`method`)."""

    field_class = MonthChoiceField


class CheckboxField(forms.BooleanField):
    """A checkbox whose unticked state is "not given" (None), not False."""

    def to_python(self, value):
        return super().to_python(value) or None


class CheckboxFilter(django_filters.Filter):
    """A ticked checkbox narrows (`method`, or `field_name` = True); an unticked one leaves the list."""

    field_class = CheckboxField
