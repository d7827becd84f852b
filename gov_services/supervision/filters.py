"""The supervision lists' filters, with django-filter; each only parses and narrows what the scope's
selector gave.

* The board's drill-down (selectors.board_request_list): the department and township (those of the
  board, passed in) and the card. A value that does not parse (a stale link) is shown and left out.
* The escalations (selectors.escalation_list): the status, and steps with a task only (the task list).
  A value that does not parse leaves the whole list unfiltered.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.filters import CheckboxFilter, ListFilter
from gov_services.models import Card, Escalation
from gov_services.requests.filters_dept import TownshipFilter
from gov_services.supervision.selectors import WITH_TASK


def _select():
    return forms.Select(attrs={"class": "cz-select"})


class BoardFilter(ListFilter):
    department = django_filters.ChoiceFilter(label=_("Department"), field_name="department_id",
                                             empty_label=_("All departments"), widget=_select())
    township = TownshipFilter(label=_("Township"), empty_label=_("All townships"), widget=_select())
    card = django_filters.ChoiceFilter(label=_("Card"), choices=Card.choices, empty_label=_("Yellow or red"),
                                       widget=_select())

    def __init__(self, *args, departments=(), townships=(), **kwargs):
        """`departments`: (pk, name) on the board; `townships`: the township Regions supervised."""
        super().__init__(*args, **kwargs)
        self.filters["department"].extra["choices"] = [(str(pk), name) for pk, name in departments]
        self.filters["township"].offer(townships)


class EscalationFilter(ListFilter):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Escalation.Status.choices,
                                         empty_label=_("Any status"))
    tasks = CheckboxFilter(label=_("Only steps with a task"),
                           method=lambda queryset, name, value: queryset.filter(WITH_TASK))

    @property
    def task_list(self) -> bool:
        """Whether the list is the open tasks (the supervision menu's "Tasks")."""
        cleaned = self.cleaned() if self.is_valid() else {}
        return cleaned.get("status") == Escalation.Status.OPEN and bool(cleaned.get("tasks"))
