"""The steps of one request (the rules: gov_services/catalogue/steps.py for an item's steps,
gov_services/requests/steps.py for the action that does each): taken from the item when the request is filed
(catalogue/selectors.py `item_plan`), checked before every move that does a step, done and started by it.

Checks, in this order, each refused with a message that says why (PermissionDenied):
* the move belongs to the current step ("approve" while review is not done is refused);
* someone holds the request (claimed, or assigned by the head): nobody does a step of a request nobody holds;
* the step's role (some steps only a department head may do);
* separation of duties: whoever did a step this one must be kept apart from may not do it.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gov_services.catalogue.selectors import item_plan
from gov_services.catalogue.steps import OPTIONAL_KINDS
from gov_services.models import RequestStep, ServiceRequest, StepKind, StepRole
from gov_services.requests.deadlines import add_working_days, extend_for_pause
from gov_services.requests.steps import STEP_OF_ACTION
from gov_services.requests.workflow import Action
from gov_services.selectors.calendar import work_calendar
from stations.scope import scope_for

Status = ServiceRequest.Status


def _first_event(request: ServiceRequest, action: str):
    return request.events.filter(action=action).order_by("at", "pk").first()


def request_steps_create(request: ServiceRequest, *, now: datetime | None = None) -> list[RequestStep]:
    """Copy the item's steps onto a new application; acceptance starts at filing. Appeals have none."""
    if request.item_id is None:
        return []
    calendar = work_calendar()
    start = now or request.submitted_at
    rows = []
    for position, plan in enumerate(item_plan(request.item)):
        row = RequestStep(request=request, position=10 * (position + 1), kind=plan.kind, limit_days=plan.limit_days,
                          role=plan.role, separate_from=list(plan.separate_from))
        if position == 0:
            row.started_at, row.due_at = start, add_working_days(start, plan.limit_days, calendar)
        rows.append(row)
    return RequestStep.objects.bulk_create(rows)


_DONE_BY_STATUS = {
    StepKind.ACCEPT: (Action.ACCEPT, {Status.ACCEPTED, Status.UNDER_REVIEW, Status.APPROVED, Status.REFUSED,
                                      Status.COMPLETED, Status.RATED, Status.CLOSED}),
    StepKind.REVIEW: (Action.START_REVIEW, {Status.UNDER_REVIEW, Status.APPROVED, Status.REFUSED,
                                            Status.COMPLETED, Status.RATED, Status.CLOSED}),
    StepKind.APPROVE: (Action.APPROVE, {Status.APPROVED, Status.REFUSED, Status.COMPLETED, Status.RATED,
                                        Status.CLOSED}),
}


def request_steps(request: ServiceRequest) -> list[RequestStep]:
    """The request's steps in order; a request filed before steps existed gets them now, the steps its
    status shows done marked done by whoever did the move (from its events)."""
    rows = list(request.steps.select_related("done_by").order_by("position", "pk"))
    if rows or request.item_id is None:
        return rows
    rows = request_steps_create(request)
    status = request.status
    if status == Status.RETURNED:
        event = request.events.filter(action=Action.RETURN_FOR_SUPPLEMENT).order_by("-at", "-pk").first()
        status = (event.data.get("returned_from") if event else None) or Status.SUBMITTED

    def shown_done(kind) -> bool:
        return kind in _DONE_BY_STATUS and status in _DONE_BY_STATUS[kind][1]

    previous_done_at = request.submitted_at
    for index, row in enumerate(rows):
        later_done = any(shown_done(r.kind) for r in rows[index + 1:])
        if shown_done(row.kind) or (row.kind in OPTIONAL_KINDS and later_done):
            event = _first_event(request, _DONE_BY_STATUS[row.kind][0]) if row.kind in _DONE_BY_STATUS else None
            row.started_at = row.started_at or previous_done_at
            row.done_at = event.at if event else previous_done_at
            row.done_by_id = event.actor_id if event else None
            previous_done_at = row.done_at
            row.save(update_fields=["started_at", "done_at", "done_by"])
            continue
        if index > 0:
            row.started_at = previous_done_at
            row.due_at = add_working_days(previous_done_at, row.limit_days, work_calendar())
            row.save(update_fields=["started_at", "due_at"])
        break
    return list(request.steps.select_related("done_by").order_by("position", "pk"))


def current_step(steps: list[RequestStep]) -> RequestStep | None:
    return next((s for s in steps if s.done_at is None), None)


def step_label(kind: str) -> str:
    return str(StepKind(kind).label) if kind in StepKind.values else kind


def step_refusal(request: ServiceRequest, actor, action: str, steps: list[RequestStep]) -> str | None:
    """Why `actor` may not take `action` as the request's current step now; None if they may (or if the
    action does no step). The service raises it; the request page shows it beside the step."""
    if (action not in STEP_OF_ACTION and action != Action.STEP_DONE) or not steps:
        return None
    step = current_step(steps)
    if step is None:
        return _("Every step of this request is done.")
    if action == Action.STEP_DONE:
        if step.kind not in OPTIONAL_KINDS:
            return _("The current step is “%(step)s”: use its own button.") % {"step": step_label(step.kind)}
    elif STEP_OF_ACTION[action] != step.kind:
        return _("The current step is “%(step)s”; “%(action)s” belongs to the step “%(expected)s”.") % {
            "step": step_label(step.kind), "action": Action(action).label,
            "expected": step_label(STEP_OF_ACTION[action])}
    if request.assignee_id is None and action not in (Action.ACCEPT, Action.REJECT):  # these claim it first
        return _("Nobody holds this request: claim it, or ask the department head to assign it, before "
                 "doing the step “%(step)s”.") % {"step": step_label(step.kind)}
    scope = scope_for(actor)
    if step.role == StepRole.HEAD and not scope.heads(request.department_id) and not scope.everything:
        return _("Only a head of %(department)s may do the step “%(step)s”.") % {
            "department": request.department.name, "step": step_label(step.kind)}
    for done in steps:
        if done.done_at is None or done.done_by_id is None or done.done_by_id != getattr(actor, "pk", None):
            continue
        if done.kind in step.separate_from or step.kind in done.separate_from:
            return _("You did the step “%(done)s” of this request; this item requires the step “%(step)s” "
                     "to be done by another person.") % {"done": step_label(done.kind), "step": step_label(step.kind)}
    return None


def step_require(request: ServiceRequest, actor, action: str) -> list[RequestStep]:
    """Refuse (PermissionDenied) a step `actor` may not do now; the request's steps otherwise."""
    steps = request_steps(request)
    refusal = step_refusal(request, actor, action, steps)
    if refusal is not None:
        raise PermissionDenied(refusal)
    return steps


def step_complete(steps: list[RequestStep], *, actor, now: datetime, last: bool = False) -> dict:
    """The current step done by `actor` now; the next one starts (none when `last`: a rejection or a
    refusal ends the request). Returns what the move's event records about it."""
    step = current_step(steps)
    if step is None:
        return {}
    step.done_at, step.done_by = now, actor
    step.save(update_fields=["done_at", "done_by"])
    data = {"step": step.kind, "step_due_at": step.due_at.isoformat() if step.due_at else None,
            "step_late": bool(step.due_at and now > step.due_at)}
    following = current_step(steps)
    if following is not None and not last:
        following.started_at = now
        following.due_at = add_working_days(now, following.limit_days, work_calendar())
        following.save(update_fields=["started_at", "due_at"])
        data["next_step"], data["next_due_at"] = following.kind, following.due_at.isoformat()
    return data


def step_extend_for_pause(request: ServiceRequest, *, paused_from: datetime, resumed_at: datetime) -> None:
    """A pause for supplement moves the running step's deadline by the working days it covered."""
    step = current_step(list(request.steps.order_by("position", "pk")))
    if step is not None and step.due_at is not None:
        step.due_at = extend_for_pause(step.due_at, paused_from, resumed_at, work_calendar())
        step.save(update_fields=["due_at"])
