"""What supervision staff record by hand, each once: the outcome of an escalation (the call made, the
referral held), a call back to a dissatisfied resident (回访), and a department's appeal of a rating with the
county's decision (申诉)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.audit import audit_event_record
from gov_services.models import Escalation, FollowUp, FollowUpCallback, Rating, RatingAppeal
from gov_services.requests.services import request_event_record
from gov_services.requests.workflow import Action
from gov_services.supervision import selectors
from stations.scope import require, scope_for

OUTSIDE_REGION = gettext_lazy("This request lies outside your region.")


def _done_before(message: str, *, by, at: datetime | None, code: str) -> ValidationError:
    """A second submit's refusal, naming who did it first (`message` has %(name)s and %(date)s)."""
    when = timezone.localtime(at).strftime("%Y-%m-%d %H:%M") if at else "—"
    return ValidationError(message % {"name": by or "—", "date": when}, code=code)


def _written(text: str | None, *, field: str, missing: str) -> str:
    """The text a person wrote, trimmed; `missing` on `field` when there is none."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: missing})
    return text


@transaction.atomic
def escalation_record_outcome(*, escalation: Escalation, actor: User, call_made: bool, outcome: str) -> Escalation:
    """The supervision office records the call made (or the referral held) and its outcome; the task is
    done. A second submit is refused, naming who recorded it first."""
    if not selectors.can_manage_supervision(user=actor):
        raise PermissionDenied(_("Only the county supervision office records the outcome."))
    require(scope_for(actor).can_supervise_request(escalation.request), OUTSIDE_REGION)
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to handled_by
    escalation = (Escalation.objects.select_for_update(of=("self",)).select_related("handled_by")
                  .get(pk=escalation.pk))
    if escalation.status != Escalation.Status.OPEN:
        raise _done_before(_("This escalation was already recorded by %(name)s on %(date)s."),
                           by=escalation.handled_by, at=escalation.handled_at, code="already_recorded")
    outcome = _written(outcome, field="outcome", missing=_("Write down what was agreed or found."))
    now = timezone.now()
    escalation.status, escalation.outcome = Escalation.Status.DONE, outcome
    escalation.call_made_at = now if call_made else None
    escalation.handled_by, escalation.handled_at = actor, now
    escalation.save(update_fields=["status", "outcome", "call_made_at", "handled_by", "handled_at"])
    request_event_record(escalation.request, actor=actor, action=Action.NOTE, internal=True,
                         note=f"{escalation.label}: {outcome}",
                         data={"escalation": escalation.pk, "call_made": call_made})
    audit_event_record(actor=actor, action="escalation.outcome_recorded", target=escalation,
                       data={"call_made": call_made, "outcome": outcome})
    return escalation


@transaction.atomic
def follow_up_record_callback(*, follow_up: FollowUp, actor: User, submission, result: str, outcome: str,
                              called_at: datetime | None = None) -> FollowUpCallback:
    """Record a call back to the resident. RESOLVED closes the follow-up; REOPENED (the department must
    act again) and NOT_REACHED leave it open for another call. Each leaves a RequestEvent and an audit event.

    `submission` is the form's one-time key: submitting the same form twice returns the first callback
    and records nothing more. A callback on a follow-up already closed is refused, naming who closed it.
    """
    selectors.require_supervision_viewer(user=actor)
    require(scope_for(actor).can_supervise_request(follow_up.request), OUTSIDE_REGION)
    follow_up = FollowUp.objects.select_for_update(of=("self",)).select_related("request").get(pk=follow_up.pk)
    earlier = FollowUpCallback.objects.filter(submission=submission).first()
    if earlier is not None:
        if earlier.follow_up_id != follow_up.pk:
            raise ValidationError(_("This form was already used for another follow-up."), code="reused")
        return earlier
    if follow_up.status != FollowUp.Status.OPEN:
        last = follow_up.callbacks.select_related("recorded_by").order_by("-pk").first()
        raise _done_before(_("This follow-up was already closed by %(name)s on %(date)s."),
                           by=last.recorded_by if last else None, at=follow_up.closed_at, code="already_closed")
    if result not in FollowUpCallback.Result.values:
        raise ValidationError({"result": _("Choose the result of the call.")})
    outcome = _written(outcome, field="outcome", missing=_("Write down what the resident said and what was agreed."))
    now = timezone.now()
    callback = FollowUpCallback.objects.create(follow_up=follow_up, called_at=called_at or now, result=result,
                                               outcome=outcome, recorded_by=actor, submission=submission)
    if result == FollowUpCallback.Result.RESOLVED:
        follow_up.status, follow_up.closed_at, follow_up.outcome = FollowUp.Status.DONE, now, outcome
        follow_up.save(update_fields=["status", "closed_at", "outcome"])
    request = follow_up.request
    request_event_record(request, actor=actor, action=Action.NOTE, internal=True,
                         note=f"{callback.get_result_display()}: {outcome}",
                         data={"follow_up": follow_up.pk, "callback": callback.pk, "result": result})
    audit_event_record(actor=actor, action="follow_up.callback_recorded", target=follow_up,
                       data={"callback": callback.pk, "result": result, "outcome": outcome,
                             "status": follow_up.status})
    return callback


def _refuse(refusal) -> None:
    if refusal is not None:
        raise ValidationError(refusal.message, code=refusal.code)


@transaction.atomic
def rating_appeal_submit(*, rating: Rating, actor: User, submission, reason: str) -> RatingAppeal:
    """The department (any of its officers, or its head) appeals a dissatisfied rating it finds unfair,
    once. The county decides. `submission` is the form's one-time key: a double submit appeals once."""
    rating = Rating.objects.select_for_update(of=("self",)).select_related("request__department").get(pk=rating.pk)
    request = rating.request
    require(scope_for(actor).works_in(request.department_id),
            _("Only officers of %(department)s may appeal this rating.") % {"department": request.department.name})
    earlier = RatingAppeal.objects.filter(submission=submission).first()
    if earlier is not None:
        if earlier.rating_id != rating.pk:
            raise ValidationError(_("This form was already used for another appeal."), code="reused")
        return earlier
    _refuse(selectors.appeal_refusal(rating=rating))
    reason = _written(reason, field="reason", missing=_("Say why the rating is unfair."))
    appeal = RatingAppeal.objects.create(rating=rating, department=request.department, score=rating.score,
                                         reason=reason, appealed_by=actor, submission=submission)
    # Internal: the resident is not told that the department disputes their rating.
    request_event_record(request, actor=actor, action=Action.RATING_APPEAL, internal=True, note=reason,
                         data={"appeal": appeal.pk, "score": rating.score})
    audit_event_record(actor=actor, action="rating.appeal_submitted", target=appeal,
                       data={"rating": rating.pk, "score": rating.score, "reason": reason})
    return appeal


@transaction.atomic
def rating_appeal_decide(*, appeal: RatingAppeal, actor: User, upheld: bool, note: str) -> RatingAppeal:
    """The county (its admins, within their county) upholds the appeal — the rating is set aside and no
    longer counts in the satisfaction rate — or rejects it. Decided once; a second decision is refused,
    naming who decided."""
    if not selectors.can_manage_supervision(user=actor):
        raise PermissionDenied(_("Only the county decides appeals of ratings."))
    require(scope_for(actor).can_supervise_request(appeal.rating.request), OUTSIDE_REGION)
    appeal = (RatingAppeal.objects.select_for_update(of=("self",)).select_related("decided_by", "rating__request")
              .get(pk=appeal.pk))
    if appeal.status != RatingAppeal.Status.PENDING:
        raise _done_before(_("This appeal was already decided by %(name)s on %(date)s."),
                           by=appeal.decided_by, at=appeal.decided_at, code="already_decided")
    note = _written(note, field="note", missing=_("Write down the reasons for the decision."))
    now = timezone.now()
    appeal.status = RatingAppeal.Status.UPHELD if upheld else RatingAppeal.Status.REJECTED
    appeal.decided_by, appeal.decided_at, appeal.decision_note = actor, now, note
    appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    rating = appeal.rating
    if upheld:  # no longer counts in the rollups: recounted as the event below is recorded
        rating.set_aside = True
        rating.save(update_fields=["set_aside"])
    request = rating.request
    request_event_record(request, actor=actor, action=Action.RATING_APPEAL_DECIDED, internal=True,
                         note=f"{appeal.get_status_display()}: {note}",
                         data={"appeal": appeal.pk, "status": appeal.status})
    audit_event_record(actor=actor, action="rating.appeal_decided", target=appeal,
                       data={"status": appeal.status, "note": note, "rating": rating.pk,
                             "set_aside": rating.set_aside})
    return appeal
