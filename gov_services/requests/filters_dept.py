"""The department's and the admins' list filters, with django-filter; each only parses and narrows a
queryset the scope already narrowed.

* The work queue (/dept/, selectors.requests.department_queue): search by tracking code, applicant name,
  ID number (matched in full or by its last digits, shown masked) or item; filter by the current step,
  the deadline's state and who holds the request.
* The admins' request list (/county/requests/, selectors.requests.service_request_list): search, status,
  kind, category, department, township and station (those of the admin's region, passed in), the days
  submitted, overdue only.
"""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import CheckboxFilter, DateRangeForm, ListFilter, day_range_filters
from gov_services.identifiers import is_valid_tracking_code, normalise_tracking_code
from gov_services.models import RequestStep, ServiceItem, ServiceRequest, StepKind
from gov_services.requests.deadlines import add_working_days
from gov_services.requests.selectors.requests import (
    DUE_SOON_WORKING_DAYS,
    category_q,
    overdue_q,
    requests_matching,
)
from gov_services.requests.workflow import CLOCK_RUNNING
from gov_services.selectors.calendar import work_calendar
from stations.scope import place_q

DEADLINE_STATES = (
    ("overdue", _("Overdue")),
    ("due_soon", _("Due soon")),
    ("step_overdue", _("A step is overdue")),
    ("paused", _("Paused for supplement")),
    ("not_started", _("Not accepted yet")),
)


def _search(queryset, name, value):
    text = (value or "").strip()
    if not text:
        return queryset
    matches = Q(applicant_name__icontains=text) | Q(item__name__icontains=text) | Q(subject__icontains=text)
    compact = text.replace(" ", "").upper()
    if len(compact) == 18 or len(compact) == 15:
        matches |= Q(applicant_id_number=compact)
    elif 4 <= len(compact) < 15 and compact[:-1].isdigit() and (compact[-1].isdigit() or compact[-1] == "X"):
        matches |= Q(applicant_id_number__endswith=compact)
    if is_valid_tracking_code(text):
        matches |= Q(tracking_code=normalise_tracking_code(text))
    return queryset.filter(matches)


class QueueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Tracking code, applicant, ID number or item"), method=_search)
    step = django_filters.ChoiceFilter(label=_("Current step"), choices=StepKind.choices, method="filter_step",
                                       empty_label=_("Any step"))
    deadline = django_filters.ChoiceFilter(label=_("Deadline"), choices=DEADLINE_STATES, method="filter_deadline",
                                           empty_label=_("Any deadline"))
    handler = django_filters.ChoiceFilter(label=_("Held by"), method="filter_handler", empty_label=_("Anyone"))
    item = django_filters.NumberFilter(field_name="item_id", widget=django_filters.widgets.forms.HiddenInput)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["handler"].extra["choices"] = [("me", _("Me")), ("none", _("Nobody")),
                                                     *[(str(pk), name) for pk, name in members]]

    def filter_step(self, queryset, name, value):
        running = RequestStep.objects.filter(request_id=OuterRef("pk"), kind=value, started_at__isnull=False,
                                             done_at__isnull=True)
        return queryset.filter(Exists(running))

    def filter_deadline(self, queryset, name, value):
        now = timezone.now()
        running = Q(status__in=CLOCK_RUNNING, paused_at__isnull=True)
        if value == "overdue":
            return queryset.filter(overdue_q(now))
        if value == "due_soon":
            soon = add_working_days(now, DUE_SOON_WORKING_DAYS, work_calendar())
            return queryset.filter(running, due_at__gte=now, due_at__lte=soon)
        if value == "step_overdue":
            late = RequestStep.objects.filter(request_id=OuterRef("pk"), started_at__isnull=False,
                                              done_at__isnull=True, due_at__lt=now)
            return queryset.filter(Exists(late), paused_at__isnull=True)
        if value == "paused":
            return queryset.filter(paused_at__isnull=False)
        return queryset.filter(accepted_at__isnull=True, status="submitted")

    def filter_handler(self, queryset, name, value):
        if value == "me":
            return queryset.filter(assignee=self.request.user) if self.request else queryset.none()
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee_id=int(value))


class CategoryFilter(django_filters.ChoiceFilter):
    """A request's category: an item category or an appeal category (grouped)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [(_("Applications"), ServiceItem.Category.choices),
                                      (_("Appeals"), ServiceRequest.AppealCategory.choices)])
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return qs.filter(category_q(value)) if value else qs


class TownshipFilter(django_filters.ChoiceFilter):
    """Requests whose place lies in one of the townships offered (`offer`, the user's)."""

    def offer(self, townships) -> None:
        self.townships = {str(region.pk): region for region in townships}
        self.extra["choices"] = [(pk, region.name) for pk, region in self.townships.items()]

    def filter(self, qs, value):
        return qs.filter(place_q(self.townships[value].path, ServiceRequest.PLACE)) if value else qs


class CountyRequestFilter(ListFilter):
    q = django_filters.CharFilter(label=_("Tracking code or applicant"), max_length=50,
                                  method=lambda queryset, name, value: requests_matching(queryset, value))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ServiceRequest.Status.choices,
                                         empty_label=_("Any status"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ServiceRequest.Kind.choices,
                                       empty_label=_("Applications and appeals"))
    category = CategoryFilter(label=_("Category"), empty_label=_("Any category"))
    department = django_filters.ChoiceFilter(label=_("Department"), field_name="department_id",
                                             empty_label=_("All departments"))
    township = TownshipFilter(label=_("Township"), empty_label=_("All townships"))
    station = django_filters.ChoiceFilter(label=_("Station"), field_name="station_id", empty_label=_("All stations"))
    date_from, date_to = day_range_filters("submitted_at", from_label=_("Submitted from"),
                                           to_label=_("Submitted until"))
    overdue = CheckboxFilter(label=_("Overdue only"), method=lambda queryset, name, value: queryset.filter(
        overdue_q(timezone.now())))

    class Meta:
        form = DateRangeForm

    def __init__(self, *args, departments=(), townships=(), stations=(), **kwargs):
        """`departments`, `stations`: (pk, name) in the admin's region; `townships`: its township Regions."""
        super().__init__(*args, **kwargs)
        self.filters["department"].extra["choices"] = [(str(pk), name) for pk, name in departments]
        self.filters["township"].offer(townships)
        self.filters["station"].extra["choices"] = [(str(pk), name) for pk, name in stations]
