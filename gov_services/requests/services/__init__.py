"""Writes for service requests: submit, and one function per workflow action.

Import from here. Modules: intake.py (submit), consent.py (consent by SMS code), moves.py (the actions), ratings.py
(rate and re-rate), events.py (what every move records; `request_event_record` is how any feature appends to a request's
timeline), access.py (who may act), scans.py (file content checks, pure), steps.py (a request's approval steps),
figures.py (the listeners of reports' rollups).

Beside them, imported from their own module: drafts.py (application drafts), fees.py (the government fee),
visits.py (a request's errands in a counter visit), queue.py (the department queue's saved views and bulk
assignment), reports.py (residents' own reports).

Every function is keyword-only, takes the acting user and runs in one transaction. Every move
locks the request row first (SELECT … FOR UPDATE), then checks that the actor may act, then asks
gov_services/requests/workflow.py whether the move is legal from the status it *now* has, and appends
exactly one RequestEvent. No AuditEvent is written: the RequestEvent rows are this entity's
audit trail (append-only: the database refuses UPDATE and DELETE on them). A move returns the
instance it was given, reloaded and updated (rate returns the Rating, note the RequestEvent).

Double clicks. A move is never applied twice: the second of two identical clicks waits for the
first's row lock, then sees the new status and is refused with TransitionNotAllowed (e.g. "Accept is
not possible while the request is Accepted"); a repeated claim or assign is refused as "already
assigned". Nothing is written by the refused call, so views can simply show the message. Notes are
the exception: two notes with the same text are two notes. A repeated *submit* is different: the
form's idempotency key makes it return the first request (see service_request_submit).

Who may do what:
* file: station staff (operator, liaison) for their own station only; a resident online (web)
  for themselves; phone/WeChat/API intake without a station by an admin whose region holds the
  village, or an officer of a department serving it; a superuser anything.
* accept, return, reject, start review, approve, refuse, complete, close: an officer of the
  request's department; once the request is assigned, only its assignee or a department head.
  Close may also be done by an admin whose region holds the request's village.
* reroute: whoever may move it (above), or an admin whose region holds the village.
* claim: any officer of the department, while nobody holds it. assign: a department head, to a
  member. transfer: the assignee (or a head), to another member.
* resubmit: the resident's account (applicant_user), the operator who filed it, or the staff of
  the station it was filed at. rate: the resident's account or the staff of that station.
* note: anyone on the staff side who may see the request (officers of its department, admins of
  its region, staff of its station).
A superuser passes every staff check (not the resident's: resubmit and rate).

Notes on status moves (the reason for a rejection, what is missing) are shown to the resident;
reroute, claim, assign and transfer are internal. Text messages (submitted, returned, completed,
assigned) are written to the SMS outbox inside the move's transaction (gov_services/notifications.py)
and sent by Celery only after it commits, so a rolled-back move sends nothing.
"""

from gov_services.requests.services.consent import consent_code_send
from gov_services.requests.services.events import request_event_record, request_events_record_many
from gov_services.requests.services.intake import (
    ATTACHMENTS,
    CHANNELS_REQUIRING_MATERIALS,
    FORM_DATA_ERROR_PREFIX,
    service_request_submit,
)
from gov_services.requests.services.moves import (
    service_request_accept,
    service_request_approve,
    service_request_assign,
    service_request_claim,
    service_request_close,
    service_request_complete,
    service_request_note,
    service_request_refuse,
    service_request_reject,
    service_request_reroute,
    service_request_resubmit,
    service_request_return,
    service_request_start_review,
    service_request_step_done,
    service_request_transfer,
)
from gov_services.requests.services.ratings import (
    service_request_rate,
    service_request_rate_by_tracking,
    service_request_rerate,
    service_request_rerate_by_tracking,
)
from gov_services.requests.services.scans import MAX_ATTACHMENT_BYTES, MAX_SIGNATURE_BYTES, Upload

__all__ = [
    "ATTACHMENTS",
    "CHANNELS_REQUIRING_MATERIALS",
    "FORM_DATA_ERROR_PREFIX",
    "MAX_ATTACHMENT_BYTES",
    "MAX_SIGNATURE_BYTES",
    "Upload",
    "consent_code_send",
    "request_event_record",
    "request_events_record_many",
    "service_request_accept",
    "service_request_approve",
    "service_request_assign",
    "service_request_claim",
    "service_request_close",
    "service_request_complete",
    "service_request_note",
    "service_request_rate",
    "service_request_rate_by_tracking",
    "service_request_refuse",
    "service_request_reject",
    "service_request_rerate",
    "service_request_rerate_by_tracking",
    "service_request_reroute",
    "service_request_resubmit",
    "service_request_return",
    "service_request_start_review",
    "service_request_step_done",
    "service_request_submit",
    "service_request_transfer",
]
