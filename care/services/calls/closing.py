"""The end of a care call: the resident's confirmation and rating (through the desk, their liaison or the
link in their text), the county's subsidy posted to agency's ledger, and the desk's cancellation."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agency.services.payees import payee_service_post
from care.models import CareCall, CareOffer, Responder
from care.services.calls.common import lock_call, record_event
from care.workflow import CALL_MACHINE, Action
from stations.scope import require, scope_for

Status = CareCall.Status
OfferStatus = CareOffer.Status


# --- the desk's own moves --------------------------------------------------------------------------------

def can_confirm(user: User, call: CareCall) -> bool:
    """The care desk, or the resident's liaison on their behalf."""
    liaison = call.resident.liaison_user
    return scope_for(user).can_work_care(call.place_path) or (liaison is not None and liaison.pk == user.pk)


@transaction.atomic
def care_call_confirm(*, actor: User, call: CareCall, rating: int, note: str = "") -> CareCall:
    """The resident (through the desk or their liaison) confirms the service and rates it, 1–5."""
    require(can_confirm(actor, call), _("Only the care desk or the resident's liaison confirm a call."))
    return _confirm(call.pk, actor=actor, rating=rating, note=note)


@transaction.atomic
def care_call_rate_by_resident(*, call_id: int, reference: str, rating: int, note: str = "") -> CareCall:
    """The resident confirms and rates on the page their text message links to (that one call)."""
    call = CareCall.objects.filter(pk=call_id, reference=reference).first()
    if call is None:
        raise ValidationError(_("This link is not valid."), code="bad_link")
    return _confirm(call.pk, actor=None, rating=rating, note=note, by="resident")


def _confirm(call_id: int, *, actor, rating: int, note: str, by: str = "desk") -> CareCall:
    call = lock_call(call_id)
    if call.status == Status.CONFIRMED and call.rating == rating:
        return call
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Give a rating from 1 to 5.")})
    CALL_MACHINE.move(call, Action.CONFIRM)
    call.confirmed_at, call.rating, call.rating_note = timezone.now(), rating, note.strip()[:300]
    call.save(update_fields=["status", "confirmed_at", "rating", "rating_note"])
    record_event(call, "confirmed", actor=actor, rating=rating, by=by)
    subsidy_post(call, actor=actor)
    return call


def payee_code(responder: Responder) -> str:
    return f"care:{responder.pk}"


def subsidy_post(call: CareCall, *, actor=None) -> None:
    """The county's subsidy for a confirmed service, one journal in agency's ledger (the responder's account
    credited, the contracting region's subsidies debited), referenced by the call; settled monthly."""
    if call.subsidy_fen <= 0 or call.responder_id is None:
        return
    responder = call.responder
    payee_service_post(region=responder.region, payee_code=payee_code(responder), payee_name=responder.name,
                       amount_fen=call.subsidy_fen, reference=call.reference, actor=actor)


@transaction.atomic
def care_call_cancel(*, actor: User, call: CareCall, reason: str) -> CareCall:
    require(scope_for(actor).can_work_care(call.place_path), _("Only the care desk cancels care calls."))
    call = lock_call(call.pk)
    if call.status == Status.CANCELLED:
        return call
    CALL_MACHINE.move(call, Action.CANCEL)
    call.save(update_fields=["status"])
    call.offers.filter(status=OfferStatus.OFFERED).update(status=OfferStatus.WITHDRAWN, answered_at=timezone.now())
    record_event(call, "cancelled", actor=actor, reason=reason[:200])
    return call
