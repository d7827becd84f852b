"""The workflow moves: one function per action of gov_services/workflow.py's table."""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_event_record
from gov_services.channels.services import webhook_status_change_enqueue
from gov_services.deadlines import add_working_days, extend_for_pause
from gov_services.models import Department, FollowUp, Rating, RequestEvent, ServiceRequest
from gov_services.notifications import (
    notify_followers_of_status,
    notify_resident_of_completion,
    notify_resident_of_return,
    notify_staff_of_assignment,
)
from gov_services.selectors.calendar import work_calendar
from gov_services.selectors.officer_assessment import request_handler_id
from gov_services.selectors.requests import track_request
from gov_services.selectors.supervision import rerate_refusal
from gov_services.services.fees import service_request_fee_refund
from gov_services.services.requests.access import (
    require_handler,
    require_head,
    require_member,
    require_member_assignee,
    require_resident_side,
    require_staff_viewer,
    user_or_none,
)
from gov_services.services.requests.figures import request_figures_changed
from gov_services.services.requests.intake import attachments_create, check_uploads, clean_form_data_into
from gov_services.services.requests.scans import Upload
from gov_services.services.requests.steps import step_complete, step_extend_for_pause, step_require
from gov_services.workflow import APPEAL_LIMIT_DAYS, Action, transition

Status = ServiceRequest.Status


def _lock(request: ServiceRequest) -> ServiceRequest:
    """Reload `request` (in place) with its row locked until the transaction ends."""
    request.refresh_from_db(from_queryset=ServiceRequest.objects.select_for_update())
    return request


def _require_note(note: str, message: str) -> str:
    if not note or not note.strip():
        raise ValidationError({"note": message})
    return note.strip()


def _record(request: ServiceRequest, *, actor, action: Action, from_status: str, to_status: str,
            note: str = "", internal: bool = False, data: dict | None = None) -> RequestEvent:
    event = RequestEvent.objects.create(request=request, actor=user_or_none(actor), action=action,
                                        from_status=from_status, to_status=to_status, note=note.strip(),
                                        internal=internal, data=data or {})
    # Every move and rating ends here, after its writes: the report rollups recount the request.
    request_figures_changed(request_ids=[request.pk])
    return event


def _move(request: ServiceRequest, *, actor, action: Action, to_status: str, note: str = "",
          fields: Sequence[str] = (), data: dict | None = None) -> ServiceRequest:
    from_status = request.status
    request.status = to_status
    request.save(update_fields=["status", *fields])
    event = _record(request, actor=actor, action=action, from_status=from_status, to_status=to_status, note=note,
                    data=data)
    webhook_status_change_enqueue(request=request, event=event)  # the channel that filed it hears of it
    if to_status != from_status:  # the followers of a resident's report (none for most requests)
        notify_followers_of_status(service_request=request, to_status=to_status, actor=user_or_none(actor))
    return request


def _claim_for_acceptance(request: ServiceRequest, actor) -> None:
    """Whoever decides acceptance (受理 or 不予受理) of a request nobody holds becomes its handler (受理人):
    the claim is recorded first, so every step is done by someone holding the request."""
    if request.item_id and request.assignee_id is None and user_or_none(actor) is not None:
        _reassign(request, actor=actor, action=Action.CLAIM, assignee=actor)


@transaction.atomic
def service_request_accept(*, request: ServiceRequest, actor: User, note: str = "") -> ServiceRequest:
    """受理: the clock starts; due_at from the item's promised limit (appeals: APPEAL_LIMIT_DAYS)."""
    _lock(request)
    require_handler(request, actor)
    to_status = transition(request.status, Action.ACCEPT)
    _claim_for_acceptance(request, actor)
    steps = step_require(request, actor, Action.ACCEPT)
    now = timezone.now()
    days = request.item.promised_limit_days if request.item_id else APPEAL_LIMIT_DAYS
    request.accepted_at = now
    request.due_at = add_working_days(now, days, work_calendar())
    return _move(request, actor=actor, action=Action.ACCEPT, to_status=to_status, note=note,
                 fields=["accepted_at", "due_at"],
                 data={"limit_days": days, **step_complete(steps, actor=user_or_none(actor), now=now)})


@transaction.atomic
def service_request_return(*, request: ServiceRequest, actor: User, note: str) -> ServiceRequest:
    """补正: back to the resident for missing material (`note` says what); the clock pauses."""
    _lock(request)
    require_handler(request, actor)
    to_status = transition(request.status, Action.RETURN_FOR_SUPPLEMENT)
    note = _require_note(note, _("Say what is missing, so that the resident can bring it."))
    returned_from = request.status  # resubmit goes back here
    request.paused_at = timezone.now()
    _move(request, actor=actor, action=Action.RETURN_FOR_SUPPLEMENT, to_status=to_status, note=note,
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
    _lock(request)
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
    _move(request, actor=actor, action=Action.RESUBMIT, to_status=to_status, note=note, fields=fields, data=data)
    attachments_create(request, checked_files, actor=actor)
    return request


@transaction.atomic
def service_request_reject(*, request: ServiceRequest, actor: User, note: str) -> ServiceRequest:
    """不予受理: the request is not accepted; the reason is shown to the resident."""
    _lock(request)
    require_handler(request, actor)
    to_status = transition(request.status, Action.REJECT)
    note = _require_note(note, _("Give the reason the request is not accepted."))
    _claim_for_acceptance(request, actor)
    steps = step_require(request, actor, Action.REJECT)
    moved = _move(request, actor=actor, action=Action.REJECT, to_status=to_status, note=note,
                  data=step_complete(steps, actor=user_or_none(actor), now=timezone.now(), last=True))
    service_request_fee_refund(actor=actor, service_request=moved, reason=note)  # a fee paid comes back, once
    return moved


@transaction.atomic
def service_request_start_review(*, request: ServiceRequest, actor: User, note: str = "") -> ServiceRequest:
    _lock(request)
    require_handler(request, actor)
    to_status = transition(request.status, Action.START_REVIEW)
    steps = step_require(request, actor, Action.START_REVIEW)
    return _move(request, actor=actor, action=Action.START_REVIEW, to_status=to_status, note=note,
                 data=step_complete(steps, actor=user_or_none(actor), now=timezone.now()))


@transaction.atomic
def service_request_step_done(*, request: ServiceRequest, actor: User, note: str) -> ServiceRequest:
    """An optional step of the item done (site inspection, public notice): `note` records what was found
    or how the notice ran; the next step starts. No status moves."""
    _lock(request)
    require_handler(request, actor)
    to_status = transition(request.status, Action.STEP_DONE)
    note = _require_note(note, _("Record what the step found or how it went."))
    steps = step_require(request, actor, Action.STEP_DONE)
    data = step_complete(steps, actor=user_or_none(actor), now=timezone.now())
    _record(request, actor=actor, action=Action.STEP_DONE, from_status=request.status, to_status=to_status,
            note=note, internal=True, data=data)
    audit_event_record(actor=user_or_none(actor), action="request.step_done", target=request, data=data)
    return request


@transaction.atomic
def service_request_approve(*, request: ServiceRequest, actor: User, note: str) -> ServiceRequest:
    """审批: the decision to grant; the note (the approval opinion) is required."""
    _lock(request)
    require_handler(request, actor)
    to_status = transition(request.status, Action.APPROVE)
    note = _require_note(note, _("Write the approval opinion."))
    steps = step_require(request, actor, Action.APPROVE)
    _move(request, actor=actor, action=Action.APPROVE, to_status=to_status, note=note,
          data=step_complete(steps, actor=user_or_none(actor), now=timezone.now()))
    # Imported here: certificates build on these request services (access checks), not the reverse.
    from gov_services.services.certificates import certificate_issue_on_approval

    certificate_issue_on_approval(request=request)  # issues only where the item's certificate is automatic
    return request


@transaction.atomic
def service_request_refuse(*, request: ServiceRequest, actor: User, note: str) -> ServiceRequest:
    _lock(request)
    require_handler(request, actor)
    to_status = transition(request.status, Action.REFUSE)
    note = _require_note(note, _("Give the reason the request is refused."))
    steps = step_require(request, actor, Action.REFUSE)
    return _move(request, actor=actor, action=Action.REFUSE, to_status=to_status, note=note,
                 data=step_complete(steps, actor=user_or_none(actor), now=timezone.now(), last=True))


@transaction.atomic
def service_request_complete(*, request: ServiceRequest, actor: User, note: str = "") -> ServiceRequest:
    """办结: the result (approval or refusal) is issued to the resident."""
    _lock(request)
    require_handler(request, actor)
    to_status = transition(request.status, Action.COMPLETE)
    request.completed_at = timezone.now()
    _move(request, actor=actor, action=Action.COMPLETE, to_status=to_status, note=note, fields=["completed_at"])
    notify_resident_of_completion(service_request=request)
    return request


@transaction.atomic
def service_request_rate(*, request: ServiceRequest, actor: User, score: int, comment: str = "",
                         officer_score: int | None = None) -> Rating:
    """The resident's one rating; dissatisfied or worse (score ≤ 2) opens a follow-up for the department.
    `officer_score` (optional, the same five levels) rates the officer who handled the request."""
    _lock(request)
    require_resident_side(request, actor, message=_("Only the applicant may rate this request."))
    return _rate(request, actor=actor, score=score, comment=comment, via="account", officer_score=officer_score)


@transaction.atomic
def service_request_rate_by_tracking(*, tracking_code: str, phone_last4: str, score: int,
                                     comment: str = "", officer_score: int | None = None) -> Rating:
    """The same rating from the public tracking page: holding the code and the phone's last four
    digits is the proof, as it is for reading the request there. The event has no actor."""
    request = track_request(tracking_code=tracking_code, phone_last4=phone_last4)
    if request is None:
        raise PermissionDenied(_("No request matches this tracking code and these four digits."))
    _lock(request)
    return _rate(request, actor=None, score=score, comment=comment, via="tracking", officer_score=officer_score)


def _valid_score(score) -> bool:
    return not isinstance(score, bool) and isinstance(score, int) and score in Rating.Score.values


def _rate(request: ServiceRequest, *, actor, score: int, comment: str, via: str,
          officer_score: int | None = None) -> Rating:
    to_status = transition(request.status, Action.RATE)
    if not _valid_score(score):
        raise ValidationError({"score": _("Choose a rating from very satisfied to very dissatisfied.")})
    if officer_score is not None and not _valid_score(officer_score):
        raise ValidationError({"officer_score": _("Choose a rating from very satisfied to very dissatisfied.")})
    officer_id = request_handler_id(request) if officer_score is not None else None
    rating = Rating.objects.create(request=request, score=score, comment=comment.strip(), officer_id=officer_id,
                                   officer_score=officer_score if officer_id else None)
    if score not in Rating.SATISFIED_SCORES:
        FollowUp.objects.create(request=request)
    _move(request, actor=actor, action=Action.RATE, to_status=to_status, note=comment,
          data={"score": score, "via": via, **({"officer": officer_id, "officer_score": officer_score}
                                              if officer_id else {})})
    return rating


@transaction.atomic
def service_request_rerate(*, request: ServiceRequest, actor: User, score: int, comment: str = "") -> Rating:
    """The resident's one re-rating, once the follow-up of a dissatisfied rating has a resolved callback
    (回访后再评价). The new score is the one that counts; the first is kept on the rating."""
    _lock(request)
    require_resident_side(request, actor, message=_("Only the applicant may rate this request again."))
    return _rerate(request, actor=actor, score=score, comment=comment, via="account")


@transaction.atomic
def service_request_rerate_by_tracking(*, tracking_code: str, phone_last4: str, score: int,
                                       comment: str = "") -> Rating:
    """The same re-rating from the public tracking page, with the same proof as the first rating."""
    request = track_request(tracking_code=tracking_code, phone_last4=phone_last4)
    if request is None:
        raise PermissionDenied(_("No request matches this tracking code and these four digits."))
    _lock(request)
    return _rerate(request, actor=None, score=score, comment=comment, via="tracking")


def _rerate(request: ServiceRequest, *, actor, score: int, comment: str, via: str) -> Rating:
    # The request row is locked, so two re-ratings of one request run one after the other: the second
    # finds `rerated_at` set and is refused.
    rating = Rating.objects.filter(request=request).first()
    refusal = rerate_refusal(rating=rating)
    if refusal is not None:
        raise ValidationError(refusal.message, code=refusal.code)
    if isinstance(score, bool) or not isinstance(score, int) or score not in Rating.Score.values:
        raise ValidationError({"score": _("Choose a rating from very satisfied to very dissatisfied.")})
    first = {"score": rating.score, "comment": rating.comment}
    rating.original_score, rating.original_comment = rating.score, rating.comment
    rating.score, rating.comment, rating.rerated_at = score, comment.strip(), timezone.now()
    rating.save(update_fields=["original_score", "original_comment", "score", "comment", "rerated_at"])
    _record(request, actor=actor, action=Action.RERATE, from_status=request.status, to_status=request.status,
            note=comment, data={"score": score, "original_score": first["score"], "via": via})
    audit_event_record(actor=actor, action="rating.rerated", target=rating,
                       data={"score": score, "first": first, "comment": rating.comment, "via": via})
    return rating


@transaction.atomic
def service_request_close(*, request: ServiceRequest, actor: User, note: str = "") -> ServiceRequest:
    _lock(request)
    require_handler(request, actor, region_admin_may=True)
    to_status = transition(request.status, Action.CLOSE)
    return _move(request, actor=actor, action=Action.CLOSE, to_status=to_status, note=note)


@transaction.atomic
def service_request_reroute(*, request: ServiceRequest, actor: User, department: Department,
                            note: str) -> ServiceRequest:
    """Send the request to another department (it lands there unassigned); internal."""
    _lock(request)
    require_handler(request, actor, region_admin_may=True)
    transition(request.status, Action.REROUTE)
    note = _require_note(note, _("Say why the request goes to another department."))
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
    _record(request, actor=actor, action=Action.REROUTE, from_status=request.status, to_status=request.status,
            note=note, internal=True, data=data)
    return request


@transaction.atomic
def service_request_claim(*, request: ServiceRequest, actor: User) -> ServiceRequest:
    """An officer of the department takes an unassigned request."""
    _lock(request)
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
    _lock(request)
    require_head(request, actor)
    transition(request.status, Action.ASSIGN)
    require_member_assignee(request, assignee)
    if request.assignee_id == assignee.pk:
        raise ValidationError({"assignee": _("The request is already assigned to %(name)s.") % {"name": assignee}})
    return _reassign(request, actor=actor, action=Action.ASSIGN, assignee=assignee)


@transaction.atomic
def service_request_transfer(*, request: ServiceRequest, actor: User, assignee: User, note: str) -> ServiceRequest:
    """The assignee (or a head) hands the request to another officer of the same department."""
    _lock(request)
    require_handler(request, actor)
    transition(request.status, Action.TRANSFER)
    note = _require_note(note, _("Say why you hand the request over."))
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
    _record(request, actor=actor, action=action, from_status=request.status, to_status=request.status,
            note=note, internal=True, data=data)
    audit_event_record(actor=user_or_none(actor), action=f"request.{action}", target=request, data=data)
    if assignee.pk != getattr(actor, "pk", None):  # who claims a request knows it already
        notify_staff_of_assignment(service_request=request, assignee=assignee)
    return request


@transaction.atomic
def service_request_note(*, request: ServiceRequest, actor: User, note: str, internal: bool = True) -> RequestEvent:
    """A note on the timeline; internal ones are hidden from the resident."""
    _lock(request)
    require_staff_viewer(request, actor)
    transition(request.status, Action.NOTE)
    note = _require_note(note, _("Write the note."))
    return _record(request, actor=actor, action=Action.NOTE, from_status=request.status,
                   to_status=request.status, note=note, internal=internal)
