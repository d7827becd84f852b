"""The hash chain over the requests' timelines (等保 2.0: a case's history protected against change and
deletion), kept by core/audit_chain.py beside the audit trail's: every request event is linked into
RequestEventSeal a minute after it lands; `manage.py audit_chain_verify` and the restore drill check it."""

from __future__ import annotations

import datetime

from core.audit_chain import Chain
from gov_services.models import RequestEvent, RequestEventSeal


def request_event_document(event: RequestEvent) -> dict:
    """Every column of a request event."""
    return {
        "id": event.pk,
        "at": event.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "request": event.request_id,
        "actor": event.actor_id,
        "action": event.action,
        "from": event.from_status,
        "to": event.to_status,
        "note": event.note,
        "internal": event.internal,
        "data": event.data,
    }


REQUEST_EVENTS = Chain("request events", RequestEvent, RequestEventSeal, request_event_document,
                       lock_key=0x637A_7265_7165)  # "czreqe"
