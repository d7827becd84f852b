"""The resident's rating of a request and the one re-rating after a follow-up call (回访后再评价), from
their account or from the public tracking page."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_event_record
from gov_services.models import FollowUp, Rating, ServiceRequest
from gov_services.requests.selectors.requests import request_handler_id, rerate_refusal, track_request
from gov_services.requests.services.access import require_resident_side
from gov_services.requests.services.events import lock_request, move_request, request_event_record
from gov_services.requests.workflow import Action, transition


@transaction.atomic
def service_request_rate(*, request: ServiceRequest, actor: User, score: int, comment: str = "",
                         officer_score: int | None = None) -> Rating:
    """The resident's one rating; dissatisfied or worse (score ≤ 2) opens a follow-up for the department.
    `officer_score` (optional, the same five levels) rates the officer who handled the request."""
    lock_request(request)
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
    lock_request(request)
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
    move_request(request, actor=actor, action=Action.RATE, to_status=to_status, note=comment,
                 data={"score": score, "via": via, **({"officer": officer_id, "officer_score": officer_score}
                                                     if officer_id else {})})
    return rating


@transaction.atomic
def service_request_rerate(*, request: ServiceRequest, actor: User, score: int, comment: str = "") -> Rating:
    """The resident's one re-rating, once the follow-up of a dissatisfied rating has a resolved callback
    (回访后再评价). The new score is the one that counts; the first is kept on the rating."""
    lock_request(request)
    require_resident_side(request, actor, message=_("Only the applicant may rate this request again."))
    return _rerate(request, actor=actor, score=score, comment=comment, via="account")


@transaction.atomic
def service_request_rerate_by_tracking(*, tracking_code: str, phone_last4: str, score: int,
                                       comment: str = "") -> Rating:
    """The same re-rating from the public tracking page, with the same proof as the first rating."""
    request = track_request(tracking_code=tracking_code, phone_last4=phone_last4)
    if request is None:
        raise PermissionDenied(_("No request matches this tracking code and these four digits."))
    lock_request(request)
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
    request_event_record(request, actor=actor, action=Action.RERATE, from_status=request.status, to_status=request.status,
                 note=comment, data={"score": score, "original_score": first["score"], "via": via})
    audit_event_record(actor=actor, action="rating.rerated", target=rating,
                       data={"score": score, "first": first, "comment": rating.comment, "via": via})
    return rating
