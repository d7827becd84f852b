"""What every workflow move and rating of a request does: lock the row, record the RequestEvent (the
request's timeline, and its audit trail), and for a status move tell the channel and the followers."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError

from gov_services.channels.services import webhook_status_change_enqueue
from gov_services.models import RequestEvent, ServiceRequest
from gov_services.notifications import notify_followers_of_status
from gov_services.requests.services.access import user_or_none
from gov_services.requests.services.figures import request_figures_changed
from gov_services.requests.workflow import FIGURES_UNCHANGED, Action


def lock_request(request: ServiceRequest) -> ServiceRequest:
    """Reload `request` (in place) with its row locked until the transaction ends."""
    request.refresh_from_db(from_queryset=ServiceRequest.objects.select_for_update())
    return request


def require_note(note: str, message: str) -> str:
    if not note or not note.strip():
        raise ValidationError({"note": message})
    return note.strip()


def request_event_record(request: ServiceRequest, *, actor, action: Action, from_status: str | None = None,
                         to_status: str | None = None, note: str = "", internal: bool = False,
                         data: dict | None = None) -> RequestEvent:
    """Append one event to `request`'s timeline (its audit trail) — the one way any feature writes one;
    `from_status` and `to_status` default to the request's status (an event that moves nothing)."""
    event = RequestEvent.objects.create(
        request=request, actor=user_or_none(actor), action=action,
        from_status=request.status if from_status is None else from_status,
        to_status=request.status if to_status is None else to_status,
        note=note.strip(), internal=internal, data=data or {})
    # Every move and rating ends here, after its writes: the report rollups recount the request, unless
    # the action changes nothing they count (a note, a claim, a review started …).
    request_figures_changed(request_ids=[request.pk] if action not in FIGURES_UNCHANGED else [])
    return event


def request_events_record_many(events: Sequence[RequestEvent]) -> list[RequestEvent]:
    """Append many unsaved events at once (a sweep's cards, escalations, expiries): one INSERT; the report
    rollups recount the requests as request_event_record's would (none, for the sweep's actions)."""
    recorded = RequestEvent.objects.bulk_create(events)
    request_figures_changed(request_ids=[event.request_id for event in recorded
                                         if event.action not in FIGURES_UNCHANGED])
    return recorded


def move_request(request: ServiceRequest, *, actor, action: Action, to_status: str, note: str = "",
                 fields: Sequence[str] = (), data: dict | None = None) -> ServiceRequest:
    from_status = request.status
    request.status = to_status
    request.save(update_fields=["status", *fields])
    event = request_event_record(request, actor=actor, action=action, from_status=from_status, to_status=to_status, note=note,
                         data=data)
    webhook_status_change_enqueue(request=request, event=event)  # the channel that filed it hears of it
    if to_status != from_status:  # the followers of a resident's report (none for most requests)
        notify_followers_of_status(service_request=request, to_status=to_status, actor=user_or_none(actor))
    return request
