"""What the request pages show about a request, built once for all of them: how it stands against its
deadline (one vocabulary, counted in working days), its timeline for an audience (staff, the resident,
the public) and the item's material checklist with the scans received.

Pages: the counter's ledger, request page and receipt (views_counter_requests), the department queue,
request page and the admins' list (views_dept), the supervision drill-down (supervision/views), the
resident's requests and the tracking page (views_resident_common, views_resident_requests), the public
report page (views_reports).

Display only: no access checks (the views and selectors calling this have made them) and no writes.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.masking import mask_id_number
from gov_services.identifiers import format_tracking_code
from gov_services.models import Attachment, Department, Rating, RequestEvent, RequiredMaterial, ServiceRequest
from gov_services.requests.deadlines import working_days_between
from gov_services.requests.selectors.requests import DUE_SOON_WORKING_DAYS, request_timeline
from gov_services.requests.workflow import CLOCK_RUNNING, OPEN_STATUSES, Action
from gov_services.selectors.calendar import work_calendar

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
    """The request's deadline state, counted as gov_services/requests/deadlines.py counts working days."""
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
    and `deadline`. No queries (the calendar is cached by gov_services.selectors.calendar)."""
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


# ---------------------------------------------------------------------------------------------
# 2. The timeline
# ---------------------------------------------------------------------------------------------

# Who reads it: the staff (every event, internal ones too, with who did it), the resident (applicant's
# page and the tracking page: no internal events, no names, steps in plain words) or the public (a report
# shown publicly: status moves without their notes, which may name the resident, and the public replies).
STAFF, RESIDENT, PUBLIC = "staff", "resident", "public"
AUDIENCES: Final = (STAFF, RESIDENT, PUBLIC)

RESIDENT_TITLES: Final = {
    Action.SUBMIT: gettext_lazy("Submitted"),
    Action.ACCEPT: gettext_lazy("Accepted by the department"),
    Action.RETURN_FOR_SUPPLEMENT: gettext_lazy("Returned: more material needed"),
    Action.RESUBMIT: gettext_lazy("Material sent again"),
    Action.REJECT: gettext_lazy("Not accepted"),
    Action.START_REVIEW: gettext_lazy("Review started"),
    Action.APPROVE: gettext_lazy("Approved"),
    Action.REFUSE: gettext_lazy("Refused"),
    Action.COMPLETE: gettext_lazy("Completed: result issued"),
    Action.RATE: gettext_lazy("Rated"),
    Action.CLOSE: gettext_lazy("Closed"),
    Action.NOTE: gettext_lazy("Message from the department"),
    Action.RERATE: gettext_lazy("Rated again after the callback"),
    Action.ADD_INFORMATION: gettext_lazy("You added information"),
    Action.PUBLIC_REPLY: gettext_lazy("Public reply from the department"),
}
PUBLIC_ACTIONS: Final = (Action.SUBMIT, Action.ACCEPT, Action.RETURN_FOR_SUPPLEMENT, Action.RESUBMIT, Action.REJECT,
                         Action.START_REVIEW, Action.APPROVE, Action.REFUSE, Action.COMPLETE, Action.RATE,
                         Action.CLOSE, Action.EXPIRE, Action.PUBLIC_REPLY)


@dataclass(frozen=True)
class TimelineRow:
    """One line of a request's timeline as a page shows it. What the audience may not see stays empty:
    `actor`, `internal` and the reroute/assign targets are the staff's; `extra` (the rating given) the
    resident's; the public gets no `note`, only the department's public `reply`."""

    at: datetime
    action: str
    title: str
    note: str = ""
    extra: str = ""
    reply: str = ""
    internal: bool = False
    actor: User | None = None
    from_label: str = ""
    to_label: str = ""
    moved: bool = False
    to_department: Department | None = None
    to_assignee: User | None = None


def _action_label(action: str) -> str:
    return Action(action).label if action in Action.values else action


def _status_label(status: str) -> str:
    return Status(status).label if status in Status.values else ""


def _moved(event: RequestEvent) -> bool:
    return bool(event.from_status and event.to_status and event.from_status != event.to_status)


def _staff_rows(events: list[RequestEvent]) -> list[TimelineRow]:
    """Every event, with the departments and officers named in reroute and assign events (two queries at
    most, only when there are such events)."""
    user_ids = {e.data.get(k) for e in events for k in ("from_assignee", "to_assignee") if e.data.get(k)}
    dept_ids = {e.data.get(k) for e in events for k in ("from_department", "to_department") if e.data.get(k)}
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
    departments = {d.pk: d for d in Department.objects.filter(pk__in=dept_ids)} if dept_ids else {}
    return [TimelineRow(at=e.at, action=e.action, title=_action_label(e.action), note=e.note, internal=e.internal,
                        actor=e.actor, from_label=_status_label(e.from_status), to_label=_status_label(e.to_status),
                        moved=_moved(e), to_department=departments.get(e.data.get("to_department")),
                        to_assignee=users.get(e.data.get("to_assignee")))
            for e in events]


def _resident_row(event: RequestEvent) -> TimelineRow:
    score = event.data.get("score")
    rated = event.action in (Action.RATE, Action.RERATE) and score in Rating.Score.values
    return TimelineRow(at=event.at, action=event.action, note=event.note,
                       title=RESIDENT_TITLES.get(event.action) or _action_label(event.action),
                       extra=Rating.Score(score).label if rated else "")


def _public_row(event: RequestEvent) -> TimelineRow | None:
    if event.action == Action.PUBLIC_REPLY:
        return TimelineRow(at=event.at, action=event.action, title=_("Reply from the department"), reply=event.note)
    if _moved(event) or event.action == Action.SUBMIT:
        return TimelineRow(at=event.at, action=event.action, title=_status_label(event.to_status))
    return None  # an event that moved nothing says nothing to the public


def timeline_rows(service_request: ServiceRequest, *, audience: str) -> list[TimelineRow]:
    """The request's timeline as `audience` (STAFF, RESIDENT or PUBLIC) reads it, oldest first."""
    if audience not in AUDIENCES:
        raise ValueError(f"Unknown audience {audience!r}; use one of {AUDIENCES}.")
    events = list(request_timeline(request=service_request, for_resident=audience != STAFF,
                                   actions=PUBLIC_ACTIONS if audience == PUBLIC else None))
    if audience == STAFF:
        return _staff_rows(events)
    if audience == RESIDENT:
        return [_resident_row(event) for event in events]
    return [row for event in events if (row := _public_row(event)) is not None]


def missing_note(service_request: ServiceRequest, rows: list[TimelineRow]) -> str:
    """What the department asked for, while the request is back for supplement: the last return's note."""
    if service_request.status != Status.RETURNED:
        return ""
    return next((row.note for row in reversed(rows) if row.action == Action.RETURN_FOR_SUPPLEMENT), "")


# ---------------------------------------------------------------------------------------------
# 3. The material checklist
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MaterialLine:
    """One material the item asks for, with the scans received for it."""

    material: RequiredMaterial
    attachments: list[Attachment]

    @property
    def missing(self) -> bool:
        """Required and nothing received for it."""
        return self.material.required and not self.attachments


@dataclass(frozen=True)
class MaterialChecklist:
    """The item's materials in the catalogue's order, and the scans filed under none of them (an appeal's
    files, "other documents")."""

    lines: list[MaterialLine]
    others: list[Attachment]

    def received(self) -> list[tuple[str, int]]:
        """What came, as the receipt lists it: each material with its number of files, in the order they
        were scanned; other documents last."""
        came = sorted((line for line in self.lines if line.attachments),
                      key=lambda line: min(a.pk for a in line.attachments))
        counted = [(str(line.material), len(line.attachments)) for line in came]
        return counted + ([(_("Other documents"), len(self.others))] if self.others else [])


def material_checklist(service_request: ServiceRequest, attachments: list[Attachment]) -> MaterialChecklist:
    """`attachments` (the request's, in the order the page lists them) under the item's materials. One
    query (the item's materials; none for an appeal)."""
    by_material: dict[int | None, list[Attachment]] = {}
    for attachment in attachments:
        by_material.setdefault(attachment.material_id, []).append(attachment)
    lines = []
    if service_request.item_id:
        for material in service_request.item.materials.all():
            lines.append(MaterialLine(material, by_material.pop(material.pk, [])))
    return MaterialChecklist(lines, [a for files in by_material.values() for a in files])
