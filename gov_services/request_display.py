"""What the request pages show about a request, built once for all of them: how it stands against its
deadline, in one vocabulary counted in working days.

Pages: the counter's ledger and request page (views_counter_requests), the department queue, request page
and the admins' list (views_dept), the supervision drill-down (supervision/views), the resident's requests
and the tracking page (views_resident_common, views_resident_requests).

Display only: no access checks (the views and selectors calling this have made them) and no writes.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from django.utils import timezone

from core.masking import mask_id_number
from gov_services.deadlines import working_days_between
from gov_services.identifiers import format_tracking_code
from gov_services.models import ServiceRequest
from gov_services.selectors.calendar import work_calendar
from gov_services.selectors.requests import DUE_SOON_WORKING_DAYS
from gov_services.workflow import CLOCK_RUNNING, OPEN_STATUSES

Status = ServiceRequest.Status

# ---------------------------------------------------------------------------------------------
# 1. The deadline
# ---------------------------------------------------------------------------------------------

RUNNING_STATES: Final = frozenset({"due", "due_soon", "today", "overdue"})
DONE_STATES: Final = frozenset({"done_on_time", "done_late"})
# A step's clock runs only while the request is still being decided (not once it is approved or refused).
STEP_OPEN_STATUSES: Final = frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.UNDER_REVIEW, Status.RETURNED})
_CSS: Final = {"overdue": "overdue", "done_late": "overdue", "today": "soon", "due_soon": "soon", "paused": "paused"}


@dataclass(frozen=True)
class Deadline:
    """Where a request (or one of its approval steps) stands against its deadline. `state` is one of:

    not_started  the clock has not started (a request: until accepted; a step: until the one before is done)
    paused       returned for supplement: the clock waits for the resident
    due, due_soon, today, overdue
                 the clock runs; `days` working days left (due_soon: within DUE_SOON_WORKING_DAYS), or late
    done_on_time, done_late
                 finished; done_late `days` working days after the deadline
    none         no deadline applies (not accepted, or closed without being completed)
    """

    state: str
    days: int = 0

    @property
    def css(self) -> str:
        """The colour: overdue (red), soon (amber), paused, ok."""
        return _CSS.get(self.state, "ok")

    @property
    def is_running(self) -> bool:
        return self.state in RUNNING_STATES

    @property
    def is_done(self) -> bool:
        return self.state in DONE_STATES


def _running(due_at: datetime, *, now: datetime, calendar, soon_days: int) -> Deadline:
    if due_at < now:
        return Deadline("overdue", working_days_between(due_at, now, calendar))
    days = working_days_between(now, due_at, calendar)
    if days == 0:
        return Deadline("today")
    return Deadline("due_soon" if days <= soon_days else "due", days)


def _finished(due_at: datetime | None, done_at: datetime, calendar) -> Deadline:
    if due_at is not None and done_at > due_at:
        return Deadline("done_late", working_days_between(due_at, done_at, calendar))
    return Deadline("done_on_time")


def is_paused(request: ServiceRequest) -> bool:
    """Waiting for the resident's supplement. A request closed while it waited (expired) keeps its
    paused_at, but nobody waits for it any more."""
    return request.status == Status.RETURNED or (request.paused_at is not None and request.status in OPEN_STATUSES)


def request_deadline(request: ServiceRequest, *, now: datetime, calendar,
                     soon_days: int = DUE_SOON_WORKING_DAYS) -> Deadline:
    """The request's deadline state, counted as gov_services/deadlines.py counts working days."""
    if is_paused(request):
        return Deadline("paused")
    if request.due_at is None:
        return Deadline("not_started" if request.status == Status.SUBMITTED else "none")
    if request.status in CLOCK_RUNNING:
        return _running(request.due_at, now=now, calendar=calendar, soon_days=soon_days)
    if request.completed_at is not None:
        return _finished(request.due_at, request.completed_at, calendar)
    return Deadline("none")


def step_deadline(step, *, is_current: bool, request: ServiceRequest, now: datetime, calendar,
                  soon_days: int = DUE_SOON_WORKING_DAYS) -> Deadline:
    """One approval step's deadline state (a RequestStep): only the current step's clock runs, and it
    pauses with the request's."""
    if step.done_at is not None:
        return _finished(step.due_at, step.done_at, calendar)
    if not is_current or request.status not in STEP_OPEN_STATUSES or step.due_at is None:
        return Deadline("not_started")
    if is_paused(request):
        return Deadline("paused")
    return _running(step.due_at, now=now, calendar=calendar, soon_days=soon_days)


def with_row_display(rows, *, now: datetime | None = None) -> list[ServiceRequest]:
    """What a list row shows on each request: `code_display` (the readable tracking code), `id_masked`
    and `deadline`. No queries (the calendar is cached by selectors.calendar)."""
    rows = list(rows)
    if not rows:
        return rows
    now = now or timezone.now()
    calendar = work_calendar()
    for row in rows:
        row.code_display = format_tracking_code(row.tracking_code)
        row.id_masked = mask_id_number(row.applicant_id_number)
        row.deadline = request_deadline(row, now=now, calendar=calendar)
    return rows
