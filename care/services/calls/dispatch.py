"""Offering a care call: the ranking of responders, the offer to the best one not yet asked (handed on
when declined or timed out), and the responder's page — a signed link to one offer — with their answer
and their steps at the door (arrived, served)."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from care import notifications, ranking
from care.models import CareAlert, CareCall, CareOffer, Responder
from care.services.calls.common import alert_raise, lock_call, record_event
from care.workflow import CALL_MACHINE, Action
from stations.scope import require, scope_for

Status = CareCall.Status
OfferStatus = CareOffer.Status


# --- dispatch -------------------------------------------------------------------------------------------

def candidates(call: CareCall) -> list[ranking.Candidate]:
    """Every responder serving the call's village, with their current load (two queries)."""
    responders = (Responder.objects.filter(villages=call.village_id)
                  .annotate(busy=Count("calls", filter=Q(calls__status__in=(Status.ACCEPTED, Status.ARRIVED)),
                                       distinct=True),
                            waiting=Count("offers", filter=Q(offers__status=OfferStatus.OFFERED), distinct=True))
                  .prefetch_related("villages"))
    return [ranking.Candidate(
        id=r.pk, name=r.name, kind=r.kind, active=r.status == Responder.Status.ACTIVE,
        contract_starts_on=r.contract_starts_on, contract_ends_on=r.contract_ends_on,
        services=frozenset(r.services), village_ids=frozenset(v.pk for v in r.villages.all()),
        opens_at=r.opens_at, closes_at=r.closes_at, capacity=r.capacity, open_calls=r.busy + r.waiting,
    ) for r in responders]


def suggestions(call: CareCall, *, now=None):
    """The ranking for `call` now: (candidates best first, those left out with the reason)."""
    offered = frozenset(call.offers.values_list("responder_id", flat=True))
    ask = ranking.Ask(service=call.service, village_id=call.village_id, at=timezone.localtime(now),
                      already_offered=offered)
    return ranking.rank(candidates(call), ask)


def offer_next(call: CareCall, *, actor=None) -> CareOffer | None:
    """Offer the locked `call` to the best responder not yet asked; with none left, the call waits for the
    desk (unassigned, one alert)."""
    chosen, _left_out = suggestions(call)
    if not chosen:
        CALL_MACHINE.move(call, Action.EXHAUST)
        call.save(update_fields=["status"])
        record_event(call, "exhausted", actor=actor)
        alert_raise(call.resident, kind=CareAlert.Kind.UNASSIGNED, call=call,
                    key=f"unassigned:{call.pk}:{call.offers.count()}",
                    message=_("No responder is available for call %(ref)s.") % {"ref": call.reference})
        return None
    responder = Responder.objects.get(pk=chosen[0].id)
    now = timezone.now()
    offer = CareOffer.objects.create(
        call=call, responder=responder, position=call.offers.count() + 1, offered_at=now,
        expires_at=now + timezone.timedelta(minutes=settings.CARE_OFFER_MINUTES))
    CALL_MACHINE.move(call, Action.OFFER)
    call.dispatched_at = call.dispatched_at or now
    call.save(update_fields=["status", "dispatched_at"])
    record_event(call, "offered", actor=actor, responder=responder.pk, offer=offer.pk, position=offer.position)
    notifications.send_offer(offer)
    transaction.on_commit(lambda: _schedule_timeout(offer))
    return offer


def _schedule_timeout(offer: CareOffer) -> None:
    from care.tasks import care_offer_timeout  # the task module imports this one

    with contextlib.suppress(Exception):  # a broker that is down: the beat sweep hands the offer on
        care_offer_timeout.apply_async((offer.pk,), countdown=settings.CARE_OFFER_MINUTES * 60)


@transaction.atomic
def care_call_dispatch(*, actor: User, call: CareCall) -> CareCall:
    """Start offering the call (taken, or waiting after nobody took it). Sent twice, offers once."""
    require(scope_for(actor).can_work_care(call.place_path), _("Only the care desk dispatches care calls."))
    call = lock_call(call.pk)
    if call.status == Status.OFFERED:
        return call
    CALL_MACHINE.check(call.status, Action.OFFER)
    offer_next(call, actor=actor)
    return call


# --- the responder's page (a signed link to one offer) ------------------------------------------------

def _locked_offer(offer_id: int, nonce: str) -> tuple[CareOffer, CareCall]:
    offer = CareOffer.objects.select_for_update().select_related("responder").filter(pk=offer_id).first()
    if offer is None or offer.nonce != nonce:
        raise ValidationError(_("This link is not valid."), code="bad_link")
    return offer, lock_call(offer.call_id)


def _gone() -> ValidationError:
    return ValidationError(_("This offer is no longer open: the call has passed to another responder."),
                           code="offer_closed")


def care_offer_answer(*, offer_id: int, nonce: str, accept: bool) -> CareOffer:
    """The responder accepts or declines. The same answer again changes nothing; an offer already
    closed (answered otherwise, timed out, withdrawn) cannot be answered — one answered too late is
    handed on first (that stays done) and then refused."""
    with transaction.atomic():
        offer, call = _locked_offer(offer_id, nonce)
        wanted = OfferStatus.ACCEPTED if accept else OfferStatus.DECLINED
        if offer.status == wanted:
            return offer
        if offer.status != OfferStatus.OFFERED:
            raise _gone()
        now = timezone.now()
        too_late = now >= offer.expires_at
        if too_late:
            _expire(offer, call, now)
        else:
            _answer(offer, call, wanted, now)
    if too_late:
        raise _gone()
    return offer


def _answer(offer: CareOffer, call: CareCall, wanted: str, now) -> None:
    accept = wanted == OfferStatus.ACCEPTED
    if accept and not offer.responder.under_contract(timezone.localdate()):
        raise ValidationError(_("Your contract is not in force: the call cannot be given to you."),
                              code="not_under_contract")
    offer.status, offer.answered_at = wanted, now
    offer.save(update_fields=["status", "answered_at"])
    if accept:
        CALL_MACHINE.move(call, Action.ACCEPT)
        call.responder, call.accepted_at = offer.responder, now
        call.save(update_fields=["status", "responder", "accepted_at"])
        record_event(call, "accepted", responder=offer.responder_id, offer=offer.pk)
    else:
        record_event(call, "declined", responder=offer.responder_id, offer=offer.pk)
        offer_next(call)


def _expire(offer: CareOffer, call: CareCall, now) -> None:
    offer.status, offer.answered_at = OfferStatus.EXPIRED, now
    offer.save(update_fields=["status", "answered_at"])
    record_event(call, "offer_expired", responder=offer.responder_id, offer=offer.pk)
    offer_next(call)


@transaction.atomic
def care_offer_expire(*, offer_id: int) -> bool:
    """Pass an unanswered offer on once its time is up; True when it did. Early, or already answered:
    nothing (the countdown task and the sweep may both come; a redelivered task too)."""
    offer = CareOffer.objects.select_for_update().filter(pk=offer_id).first()
    if offer is None or offer.status != OfferStatus.OFFERED:
        return False
    now = timezone.now()
    if now < offer.expires_at:
        return False
    _expire(offer, lock_call(offer.call_id), now)
    return True


def _accepted_offer(offer_id: int, nonce: str) -> tuple[CareOffer, CareCall]:
    offer, call = _locked_offer(offer_id, nonce)
    if offer.status != OfferStatus.ACCEPTED or call.responder_id != offer.responder_id:
        raise _gone()
    return offer, call


@transaction.atomic
def care_call_arrive(*, offer_id: int, nonce: str) -> CareCall:
    offer, call = _accepted_offer(offer_id, nonce)
    if call.arrived_at is not None:
        return call
    CALL_MACHINE.move(call, Action.ARRIVE)
    call.arrived_at = timezone.now()
    call.save(update_fields=["status", "arrived_at"])
    record_event(call, "arrived", responder=offer.responder_id)
    return call


@transaction.atomic
def care_call_complete(*, offer_id: int, nonce: str, note: str, amount_fen: int) -> CareCall:
    """Served: a note and what the resident was charged, within the responder's terms."""
    offer, call = _accepted_offer(offer_id, nonce)
    if call.completed_at is not None:
        return call
    responder = offer.responder
    if amount_fen < 0 or amount_fen > responder.max_charge_fen:
        raise ValidationError({"amount": _("The amount must be between 0 and %(max)s yuan, as the contract says.")
                               % {"max": f"{responder.max_charge_fen / 100:.2f}"}})
    CALL_MACHINE.move(call, Action.COMPLETE)
    call.completed_at, call.completion_note = timezone.now(), note.strip()[:300]
    call.amount_fen, call.subsidy_fen = amount_fen, responder.subsidy_fen
    call.save(update_fields=["status", "completed_at", "completion_note", "amount_fen", "subsidy_fen"])
    record_event(call, "completed", responder=responder.pk, amount_fen=amount_fen, subsidy_fen=responder.subsidy_fen)
    notifications.send_rating_link(call)
    return call
