"""The workflow moves: one function per action of gov_services/requests/workflow.py's table (the resident's rating and
re-rating: ratings.py)."""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_event_record
from gov_services.models import Department, RequestEvent, ServiceRequest
from gov_services.notifications import (
    notify_resident_of_completion,
    notify_resident_of_return,
    notify_staff_of_assignment,
)
from gov_services.requests.deadlines import add_working_days, extend_for_pause
from gov_services.requests.services.access import (
    require_handler,
    require_head,
    require_member,
    require_member_assignee,
    require_resident_side,
    require_staff_viewer,
    user_or_none,
)
from gov_services.requests.services.events import (
    lock_request,
    move_request,
    request_event_record,
    require_note,
)
from gov_services.requests.services.fees import service_request_fee_refund
from gov_services.requests.services.intake import attachments_create, check_uploads, clean_form_data_into
from gov_services.requests.services.scans import Upload
from gov_services.requests.services.steps import step_complete, step_extend_for_pause, step_require
from gov_services.requests.workflow import APPEAL_LIMIT_DAYS, Action, transition
from gov_services.selectors.calendar import work_calendar


def _handled(request: ServiceRequest, actor, action: Action, *, region_admin_may: bool = False) -> str:
    """The request locked, the actor checked as one who handles it and `action` as allowed from its status:
    the status the action moves it to."""
    lock_request(request)
    require_handler(request, actor, region_admin_may=region_admin_may)
    return transition(request.status, action)


def _move_with_step(request: ServiceRequest, *, actor, action: Action, to_status: str, note: str,
                    last: bool = False) -> ServiceRequest:
    """The move `action`, completing the item's approval step it stands for (`last`: the request's last)."""
    steps = step_require(request, actor, action)
    return move_request(request, actor=actor, action=action, to_status=to_status, note=note,
                        data=step_complete(steps, actor=user_or_none(actor), now=timezone.now(), last=last))


def _claim_for_acceptance(request: ServiceRequest, actor) -> None:
    """Whoever decides acceptance (受理 or 不予受理) of a request nobody holds becomes its handler (受理人):
    the claim is recorded first, so every step is done by someone holding the request."""
    if request.item_id and request.assignee_id is None and user_or_none(actor) is not None:
        _reassign(request, actor=actor, action=Action.CLAIM, assignee=actor)


@transaction.atomic
def service_request_accept(*, request: ServiceRequest, actor: User, note: str = "") -> ServiceRequest:
    """受理: the clock starts; due_at from the item's promised limit (appeals: APPEAL_LIMIT_DAYS)."""
    to_status = _handled(request, actor, Action.ACCEPT)
    _claim_for_acceptance(request, actor)
    steps = step_require(request, actor, Action.ACCEPT)
    now = timezone.now()
    days = request.item.promised_limit_days if request.item_id else APPEAL_LIMIT_DAYS
    request.accepted_at = now
    request.due_at = add_working_days(now, days, work_calendar())
    return move_request(request, actor=actor, action=Action.ACCEPT, to_status=to_status, note=note,
                        fields=["accepted_at", "due_at"],
                        data={"limit_days": days, **step_complete(steps, actor=user_or_none(actor), now=now)})


@transaction.atomic
def service_request_return(*, request: ServiceRequest, actor: User, note: str) -> ServiceRequest:
    """补正: back to the resident for missing material (`note` says what); the clock pauses."""
    to_status = _handled(request, actor, Action.RETURN_FOR_SUPPLEMENT)
    note = require_note(note, _("Say what is missing, so that the resident can bring it."))
    returned_from = request.status  # resubmit goes back here
    request.paused_at = timezone.now()
    move_request(request, actor=actor, action=Action.RETURN_FOR_SUPPLEMENT, to_status=to_status, note=note,
                 fields=["paused_at"], data={"returned_from": returned_from})
    notify_resident_of_return(service_request=request, note=note)
    return request


@transaction.atomic
def service_request_resubmit(*, request: ServiceRequest, actor: User, note: str = "",
                             form_data: dict | None = None, attachments: Sequence[Upload] = ()) -> ServiceRequest:
    """The resident brings what was missing: back to where it was returned from; the clock resumes.

    `form_data`, when given, replaces the e-form data (checked against the item's form);
    `attachments` are added to the ones already there.
    """
    lock_request(request)
    require_resident_side(request, actor, message=_("Only the applicant or their station may resubmit this request."))
    returned = request.events.filter(action=Action.RETURN_FOR_SUPPLEMENT).order_by("-at", "-pk").first()
    to_status = transition(request.status, Action.RESUBMIT,
                           returned_from=returned.data.get("returned_from") if returned else None)
    errors: dict[str, list[str]] = {}
    checked_files = check_uploads(attachments, item=request.item, errors=errors)
    fields = ["paused_at"]
    replace_form = form_data is not None and request.item_id is not None
    cleaned = clean_form_data_into(request.item.form_schema, form_data, errors) if replace_form else None
    if errors:
        raise ValidationError(errors)
    if replace_form:
        request.form_data = cleaned
        fields.append("form_data")
    now = timezone.now()
    data: dict = {"paused_from": request.paused_at.isoformat() if request.paused_at else None}
    if request.due_at and request.paused_at:
        request.due_at = extend_for_pause(request.due_at, request.paused_at, now, work_calendar())
        fields.append("due_at")
        data["due_at"] = request.due_at.isoformat()
    if request.paused_at:
        step_extend_for_pause(request, paused_from=request.paused_at, resumed_at=now)
    request.paused_at = None
    move_request(request, actor=actor, action=Action.RESUBMIT, to_status=to_status, note=note, fields=fields, data=data)
    attachments_create(request, checked_files, actor=actor)
    return request


@transaction.atomic
def service_request_reject(*, request: ServiceRequest, actor: User, note: str) -> ServiceRequest:
    """不予受理: the request is not accepted; the reason is shown to the resident."""
    to_status = _handled(request, actor, Action.REJECT)
    note = require_note(note, _("Give the reason the request is not accepted."))
    _claim_for_acceptance(request, actor)
    moved = _move_with_step(request, actor=actor, action=Action.REJECT, to_status=to_status, note=note, last=True)
    service_request_fee_refund(actor=actor, service_request=moved, reason=note)  # a fee paid comes back, once
    return moved


@transaction.atomic
def service_request_start_review(*, request: ServiceRequest, actor: User, note: str = "") -> ServiceRequest:
    to_status = _handled(request, actor, Action.START_REVIEW)
    return _move_with_step(request, actor=actor, action=Action.START_REVIEW, to_status=to_status, note=note)


@transaction.atomic
def service_request_step_done(*, request: ServiceRequest, actor: User, note: str) -> ServiceRequest:
    """An optional step of the item done (site inspection, public notice): `note` records what was found
    or how the notice ran; the next step starts. No status moves."""
    to_status = _handled(request, actor, Action.STEP_DONE)
    note = require_note(note, _("Record what the step found or how it went."))
    steps = step_require(request, actor, Action.STEP_DONE)
    data = step_complete(steps, actor=user_or_none(actor), now=timezone.now())
    request_event_record(request, actor=actor, action=Action.STEP_DONE, from_status=request.status, to_status=to_status,
                 note=note, internal=True, data=data)
    audit_event_record(actor=user_or_none(actor), action="request.step_done", target=request, data=data)
    return request


@transaction.atomic
def service_request_approve(*, request: ServiceRequest, actor: User, note: str) -> ServiceRequest:
    """审批: the decision to grant; the note (the approval opinion) is required. Requests knows nothing of
    certificates: the caller issues an automatic certificate next, in its transaction
    (`certificate_issue_on_approval`)."""
    to_status = _handled(request, actor, Action.APPROVE)
    note = require_note(note, _("Write the approval opinion."))
    return _move_with_step(request, actor=actor, action=Action.APPROVE, to_status=to_status, note=note)


@transaction.atomic
def service_request_refuse(*, request: ServiceRequest, actor: User, note: str) -> ServiceRequest:
    to_status = _handled(request, actor, Action.REFUSE)
    note = require_note(note, _("Give the reason the request is refused."))
    return _move_with_step(request, actor=actor, action=Action.REFUSE, to_status=to_status, note=note, last=True)


@transaction.atomic
def service_request_complete(*, request: ServiceRequest, actor: User, note: str = "") -> ServiceRequest:
    """办结: the result (approval or refusal) is issued to the resident."""
    to_status = _handled(request, actor, Action.COMPLETE)
    request.completed_at = timezone.now()
    move_request(request, actor=actor, action=Action.COMPLETE, to_status=to_status, note=note, fields=["completed_at"])
    notify_resident_of_completion(service_request=request)
    return request


@transaction.atomic
def service_request_close(*, request: ServiceRequest, actor: User, note: str = "") -> ServiceRequest:
    to_status = _handled(request, actor, Action.CLOSE, region_admin_may=True)
    return move_request(request, actor=actor, action=Action.CLOSE, to_status=to_status, note=note)


@transaction.atomic
def service_request_reroute(*, request: ServiceRequest, actor: User, department: Department,
                            note: str) -> ServiceRequest:
    """Send the request to another department (it lands there unassigned); internal."""
    _handled(request, actor, Action.REROUTE, region_admin_may=True)
    note = require_note(note, _("Say why the request goes to another department."))
    if department.pk == request.department_id:
        raise ValidationError({"department": _("The request is already with %(department)s.")
                               % {"department": department.name}})
    if not request.place_path.startswith(department.region.path):
        raise ValidationError({"department": _("%(department)s does not serve this request's village.")
                               % {"department": department.name}})
    data = {"from_department": request.department_id, "to_department": department.pk,
            "from_assignee": request.assignee_id}
    request.department, request.assignee = department, None
    request.save(update_fields=["department", "assignee"])
    request_event_record(request, actor=actor, action=Action.REROUTE, from_status=request.status, to_status=request.status,
                 note=note, internal=True, data=data)
    return request


@transaction.atomic
def service_request_claim(*, request: ServiceRequest, actor: User) -> ServiceRequest:
    """An officer of the department takes an unassigned request."""
    lock_request(request)
    require_member(request, actor)
    transition(request.status, Action.CLAIM)
    if request.assignee_id == actor.pk:
        raise ValidationError(_("You already hold this request."), code="already_assigned")
    if request.assignee_id:
        raise PermissionDenied(_("%(name)s already holds this request.") % {"name": request.assignee})
    return _reassign(request, actor=actor, action=Action.CLAIM, assignee=actor)


@transaction.atomic
def service_request_assign(*, request: ServiceRequest, actor: User, assignee: User) -> ServiceRequest:
    """A department head gives the request to one of the department's officers."""
    lock_request(request)
    require_head(request, actor)
    transition(request.status, Action.ASSIGN)
    require_member_assignee(request, assignee)
    if request.assignee_id == assignee.pk:
        raise ValidationError({"assignee": _("The request is already assigned to %(name)s.") % {"name": assignee}})
    return _reassign(request, actor=actor, action=Action.ASSIGN, assignee=assignee)


@transaction.atomic
def service_request_transfer(*, request: ServiceRequest, actor: User, assignee: User, note: str) -> ServiceRequest:
    """The assignee (or a head) hands the request to another officer of the same department."""
    _handled(request, actor, Action.TRANSFER)
    note = require_note(note, _("Say why you hand the request over."))
    if not request.assignee_id:
        raise ValidationError(_("Nobody holds this request yet: claim or assign it instead."), code="unassigned")
    require_member_assignee(request, assignee)
    if request.assignee_id == assignee.pk:
        raise ValidationError({"assignee": _("The request is already assigned to %(name)s.") % {"name": assignee}})
    return _reassign(request, actor=actor, action=Action.TRANSFER, assignee=assignee, note=note)


def _reassign(request: ServiceRequest, *, actor, action: Action, assignee: User, note: str = "") -> ServiceRequest:
    data = {"from_assignee": request.assignee_id, "to_assignee": assignee.pk}
    request.assignee = assignee
    request.save(update_fields=["assignee"])
    request_event_record(request, actor=actor, action=action, from_status=request.status, to_status=request.status,
                 note=note, internal=True, data=data)
    audit_event_record(actor=user_or_none(actor), action=f"request.{action}", target=request, data=data)
    if assignee.pk != getattr(actor, "pk", None):  # who claims a request knows it already
        notify_staff_of_assignment(service_request=request, assignee=assignee)
    return request


@transaction.atomic
def service_request_note(*, request: ServiceRequest, actor: User, note: str, internal: bool = True) -> RequestEvent:
    """A note on the timeline; internal ones are hidden from the resident."""
    lock_request(request)
    require_staff_viewer(request, actor)
    transition(request.status, Action.NOTE)
    note = require_note(note, _("Write the note."))
    return request_event_record(request, actor=actor, action=Action.NOTE, from_status=request.status,
                        to_status=request.status, note=note, internal=internal)
