"""Requests with a hand-set history, written straight to the tables (no services, no checks), so
that every KPI has a known answer. Times are Asia/Shanghai wall-clock times."""

import datetime

from core.timeutil import COUNTY_TZ
from gov_services.models import FollowUp, Rating, RequestEvent, ServiceRequest
from gov_services.requests.workflow import Action
from tests.factories import ServiceItemFactory, ServiceRequestFactory


def at(day: str, hour: int = 10) -> datetime.datetime:
    """"2026-03-02" at `hour`:00 Beijing time."""
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), COUNTY_TZ)


def make_request(*, item=None, department=None, station=None, village=None, submitted: str,
                 accepted: str | None = None, due: str | None = None, completed: str | None = None,
                 score: int | None = None, returns: int = 0, status: str | None = None,
                 kind: str = "application", appeal_category: str = "") -> ServiceRequest:
    """A request with the given life; `score` adds a Rating (and a FollowUp when ≤ 2), `returns` that
    many "returned for supplement" events."""
    if item is None and kind == "application":
        item = ServiceItemFactory(department=department)
    fields = {"item": item, "station": station, "kind": kind, "appeal_category": appeal_category}
    if department is not None:
        fields["department"] = department
    if village is not None:
        fields["village"] = village
    request = ServiceRequestFactory(**fields)
    if status is None:
        status = ("rated" if score else "completed") if completed else ("accepted" if accepted else "submitted")
    ServiceRequest.objects.filter(pk=request.pk).update(
        submitted_at=at(submitted), accepted_at=at(accepted) if accepted else None,
        due_at=at(due, 23) if due else None, completed_at=at(completed, 16) if completed else None, status=status)
    for _ in range(returns):
        RequestEvent.objects.create(request=request, action=Action.RETURN_FOR_SUPPLEMENT, from_status="submitted",
                                    to_status="returned")
    if score:
        Rating.objects.create(request=request, score=score)
        if score <= 2:
            FollowUp.objects.create(request=request)
    request.refresh_from_db()
    return request
