"""Reads for service requests, narrowed by who asks (stations/scope: a user holding several posts
sees the union):
* an operator or liaison: the requests filed at the station they serve;
* a department officer: the requests routed to their departments;
* a township or county admin: the requests whose place (ServiceRequest.PLACE) lies in their region;
* a resident: the requests filed for their account (applicant_user);
* a superuser: everything; an anonymous visitor: nothing (they use `track_request`).
A request out of scope is a 404, as one that does not exist.

Also the request's own rules that other features read: who handled it (the assignee, else the last
officer who moved it; the officers' assessment counts by it) and whether the resident may rate it again
(`rerate_refusal`).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import BigIntegerField, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from core.queries import narrowed
from core.timeutil import month_bounds
from gov_services.identifiers import is_valid_tracking_code, normalise_tracking_code
from gov_services.models import Attachment, FollowUpCallback, Rating, RequestEvent, ServiceRequest
from gov_services.requests.deadlines import add_working_days
from gov_services.requests.workflow import CLOCK_RUNNING, OPEN_STATUSES, Action
from gov_services.selectors.calendar import work_calendar
from stations.scope import get_in_scope, scope_for

QUEUE_BUCKETS = ("unassigned", "mine", "due_soon", "overdue", "all")
# "Due soon" in the department queue: the deadline falls within this many working days.
DUE_SOON_WORKING_DAYS = 2

_LIST_RELATED = ("item", "department", "station", "village", "assignee")


def _visible(user) -> QuerySet[ServiceRequest]:
    return scope_for(user).filter(ServiceRequest.objects.all(), place=ServiceRequest.PLACE, station="station_id",
                                  department="department_id", owner="applicant_user_id")


def overdue_q(now: datetime.datetime) -> Q:
    """Requests whose clock runs and whose deadline has passed at `now`."""
    return Q(status__in=CLOCK_RUNNING, paused_at__isnull=True, due_at__lt=now)


def category_q(category: str) -> Q:
    """Requests of a category: an item's category, or an appeal's."""
    return Q(item__category=category) | Q(appeal_category=category)


def submitted_in_month_q(month: datetime.date) -> Q:
    """Requests submitted in `month`'s month (any day of it; local time)."""
    start, end = month_bounds(month)
    return Q(submitted_at__gte=start, submitted_at__lt=end)


def requests_matching(requests: QuerySet[ServiceRequest], query: str) -> QuerySet[ServiceRequest]:
    """`requests` whose tracking code (however typed), applicant's name or phone, subject or item's name
    match `query`; all of them for an empty one."""
    text = (query or "").strip()
    if not text:
        return requests
    matches = (Q(applicant_name__icontains=text) | Q(applicant_phone__contains=text)
               | Q(subject__icontains=text) | Q(item__name__icontains=text))
    if is_valid_tracking_code(text):
        matches |= Q(tracking_code=normalise_tracking_code(text))
    return requests.filter(matches)


def service_request_list(*, user, status: str | None = None, department_id: int | None = None,
                         station_id: int | None = None, kind: str | None = None,
                         query: str | None = None, overdue: bool = False) -> QuerySet[ServiceRequest]:
    """Requests in the user's scope, newest first; `query` as `requests_matching`. One query when evaluated
    (and the scope's, once per request). The admins' list narrows it further (filters_dept.CountyRequestFilter)."""
    requests = _visible(user)
    if overdue:
        requests = requests.filter(overdue_q(timezone.now()))
    requests = narrowed(requests, status=status, department_id=department_id, station_id=station_id, kind=kind)
    requests = requests_matching(requests, query)
    return requests.select_related(*_LIST_RELATED).order_by("-submitted_at", "-pk")


def access_service_request_by_id(*, user, request_id: int) -> ServiceRequest:
    return get_in_scope(service_request_list(user=user), pk=request_id)


def resident_request_list(*, user) -> QuerySet[ServiceRequest]:
    """“My requests”: those filed for the user's own account, whatever other roles they hold."""
    if not user.is_authenticated:
        return ServiceRequest.objects.none()
    return (ServiceRequest.objects.filter(applicant_user=user).select_related("item", "department")
            .order_by("-submitted_at", "-pk"))


def request_timeline(*, request: ServiceRequest, for_resident: bool,
                     actions: Iterable[str] | None = None) -> QuerySet[RequestEvent]:
    """The request's events in order; the resident's view leaves out internal ones; `actions`, when given,
    keeps only those (the public report page's)."""
    events = RequestEvent.objects.filter(request=request).select_related("actor").order_by("at", "pk")
    if actions is not None:
        events = events.filter(action__in=list(actions))
    return events.filter(internal=False) if for_resident else events


def track_request(*, tracking_code: str, phone_last4: str) -> ServiceRequest | None:
    """The public tracking page: the request with this code whose phone ends in these four digits.

    None for a wrong code or wrong digits alike. A well-formed code always costs one query and a
    constant-time comparison, so the answer's timing says nothing about which part was wrong.
    """
    last4 = (phone_last4 or "").strip()
    if not is_valid_tracking_code(tracking_code or "") or len(last4) != 4 or not last4.isdigit():
        return None
    code = normalise_tracking_code(tracking_code)
    request = ServiceRequest.objects.select_related("item", "department").filter(tracking_code=code).first()
    expected = request.applicant_phone[-4:] if request is not None else "----"
    if not constant_time_compare(expected, last4) or request is None:
        return None
    return request


def department_queue(*, user, bucket: str) -> QuerySet[ServiceRequest]:
    """The open requests of the user's departments, by bucket, soonest deadline first.

    unassigned: nobody holds it; mine: the user holds it; due_soon: the clock runs and the
    deadline falls within DUE_SOON_WORKING_DAYS working days; overdue: the clock runs and the
    deadline has passed; all: every open request. Returned requests (clock paused) are in
    "all", "mine" and "unassigned" only. One query (two for due_soon, when the calendar is not cached).
    """
    if bucket not in QUEUE_BUCKETS:
        raise ValueError(f"Unknown queue bucket {bucket!r}; use one of {QUEUE_BUCKETS}.")
    requests = scope_for(user).filter(ServiceRequest.objects.filter(status__in=OPEN_STATUSES),
                                      department="department_id")
    now = timezone.now()
    if bucket == "unassigned":
        requests = requests.filter(assignee__isnull=True)
    elif bucket == "mine":
        requests = requests.filter(assignee=user)
    elif bucket == "due_soon":
        soon = add_working_days(now, DUE_SOON_WORKING_DAYS, work_calendar())
        requests = requests.filter(status__in=CLOCK_RUNNING, paused_at__isnull=True, due_at__gte=now,
                                   due_at__lte=soon)
    elif bucket == "overdue":
        requests = requests.filter(overdue_q(now))
    return requests.select_related(*_LIST_RELATED).order_by(F("due_at").asc(nulls_last=True), "submitted_at",
                                                             "pk")


def station_ledger(*, user, month: datetime.date | None = None, category: str | None = None,
                   status: str | None = None) -> QuerySet[ServiceRequest]:
    """The counter's service ledger (服务台账): requests filed at the user's station(s).

    `month` is any date in the month wanted (local time); `category` is an item category or an
    appeal category. One query.
    """
    requests = scope_for(user).filter(ServiceRequest.objects.all(), station="station_id")
    if month is not None:
        requests = requests.filter(submitted_in_month_q(month))
    if category:
        requests = requests.filter(category_q(category))
    if status:
        requests = requests.filter(status=status)
    return requests.select_related("item", "department", "station", "filed_by").order_by("-submitted_at", "-pk")


def attachment_for_download(*, user, attachment_id: int) -> Attachment:
    """An attachment of a request the user may see; 404 otherwise. One query (with the scope's)."""
    return get_in_scope(Attachment.objects.select_related("request").filter(request__in=_visible(user).values("pk")),
                        pk=attachment_id)


def resident_requests_at_station(*, user, station_id: int, phone: str = "", id_number: str = "", name: str = "",
                                 tracking_code: str = "", limit: int = 20) -> list[ServiceRequest]:
    """A resident's requests filed at the station (the counter's visit screen): by phone, ID number, exact
    name or tracking code, any of them; newest first. Each returned one carries `return_note` (what the
    department asked for, when it is back for supplement). Two queries."""
    matches = Q()
    if phone.strip():
        matches |= Q(applicant_phone=phone.strip())
    if id_number.strip():
        matches |= Q(applicant_id_number=id_number.strip().upper())
    if name.strip():
        matches |= Q(applicant_name=name.strip())
    if tracking_code.strip() and is_valid_tracking_code(tracking_code):
        matches |= Q(tracking_code=normalise_tracking_code(tracking_code))
    if not matches:
        return []
    rows = list(_visible(user).filter(matches, station_id=station_id).select_related(*_LIST_RELATED)
                .order_by("-submitted_at", "-pk")[:limit])
    returned = [r.pk for r in rows if r.status == ServiceRequest.Status.RETURNED]
    notes: dict[int, str] = {}
    for event in RequestEvent.objects.filter(request_id__in=returned, action=Action.RETURN_FOR_SUPPLEMENT).order_by("at", "pk"):
        notes[event.request_id] = event.note
    for row in rows:
        row.return_note = notes.get(row.pk, "")
        row.is_open = row.status in OPEN_STATUSES
    return rows


# --- Who handled a request --------------------------------------------------------------------------

HANDLING_ACTIONS = (Action.ACCEPT, Action.START_REVIEW, Action.APPROVE, Action.REFUSE, Action.REJECT,
                    Action.RETURN_FOR_SUPPLEMENT, Action.COMPLETE)


def handler_expression():
    """The request's handler as an SQL expression: the assignee, else the last officer who moved it."""
    last_mover = (RequestEvent.objects.filter(request=OuterRef("pk"), actor__isnull=False,
                                              action__in=HANDLING_ACTIONS)
                  .order_by("-at", "-pk").values("actor_id")[:1])
    return Coalesce(F("assignee_id"), Subquery(last_mover), output_field=BigIntegerField())


def request_handler_id(request: ServiceRequest) -> int | None:
    """The handler of one request (for the resident's rating of the officer)."""
    if request.assignee_id:
        return request.assignee_id
    return (RequestEvent.objects.filter(request=request, actor__isnull=False, action__in=HANDLING_ACTIONS)
            .order_by("-at", "-pk").values_list("actor_id", flat=True).first())


# --- Re-rating (回访后再评价) ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Refusal:
    """Why something may not be done now: a stable code (for tests and templates) and the message."""

    code: str
    message: str


def rerate_refusal(*, rating: Rating | None) -> Refusal | None:
    """Why the resident may not rate the request again now; None when they may (once, after a callback
    that resolved the follow-up of their dissatisfied rating)."""
    if rating is None:
        return Refusal("not_rated", _("This request has not been rated yet."))
    if rating.rerated_at is not None:
        return Refusal("already_rerated", _("You have already rated this request again. A request is re-rated "
                                            "only once."))
    resolved = FollowUpCallback.objects.filter(follow_up__request_id=rating.request_id,
                                               result=FollowUpCallback.Result.RESOLVED).exists()
    if not resolved:
        return Refusal("no_callback", _("You can rate again once the department has called you back and the "
                                        "matter is resolved."))
    return None
