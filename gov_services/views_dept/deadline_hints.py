"""How close a request is to its deadline, in words and a colour, for the queue, the admins' list and the
supervision pages."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from core.masking import mask_id_number
from gov_services.deadlines import working_days_between
from gov_services.identifiers import format_tracking_code
from gov_services.models import ServiceRequest
from gov_services.selectors import requests as request_selectors
from gov_services.selectors.calendar import work_calendar
from gov_services.workflow import CLOCK_RUNNING

Status = ServiceRequest.Status


@dataclass(frozen=True)
class DeadlineHint:
    """What the deadline column says. `state` is one of:
    not_started (not accepted yet), paused (returned for supplement), due, due_soon, today, overdue
    (the clock runs), done_on_time, done_late (completed; `days` late), none (no deadline applies)."""

    state: str
    days: int = 0

    @property
    def css(self) -> str:
        return {"overdue": "overdue", "done_late": "overdue", "today": "soon", "due_soon": "soon",
                "paused": "paused"}.get(self.state, "ok")


def deadline_hint(request: ServiceRequest, *, now: datetime, calendar, soon_days: int) -> DeadlineHint:
    """The working days left (or late) on `request`, counted as gov_services/deadlines.py counts."""
    if request.paused_at is not None or request.status == Status.RETURNED:
        return DeadlineHint("paused")
    if request.due_at is None:
        return DeadlineHint("not_started" if request.status == Status.SUBMITTED else "none")
    if request.status in CLOCK_RUNNING:
        if request.due_at < now:
            return DeadlineHint("overdue", working_days_between(request.due_at, now, calendar))
        days = working_days_between(now, request.due_at, calendar)
        if days == 0:
            return DeadlineHint("today")
        return DeadlineHint("due_soon" if days <= soon_days else "due", days)
    if request.completed_at is not None:
        if request.completed_at > request.due_at:
            return DeadlineHint("done_late", working_days_between(request.due_at, request.completed_at, calendar))
        return DeadlineHint("done_on_time")
    return DeadlineHint("none")


def with_deadline_hints(rows, *, now=None) -> list[ServiceRequest]:
    """Display helpers on each row: readable code, masked ID, deadline hint. No queries (the calendar
    is cached by selectors.calendar)."""
    rows = list(rows)
    if not rows:
        return rows
    now = now or timezone.now()
    calendar = work_calendar()
    for row in rows:
        row.code_display = format_tracking_code(row.tracking_code)
        row.id_masked = mask_id_number(row.applicant_id_number)
        row.hint = deadline_hint(row, now=now, calendar=calendar,
                                 soon_days=request_selectors.DUE_SOON_WORKING_DAYS)
    return rows
