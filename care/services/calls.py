"""A care call from intake to the resident's rating: take, dispatch (offer, hand on), the responder's
answer and steps at the door, confirmation, cancellation, and the sweep that keeps the clock.

Every move goes through care/workflow.py's table under the call's row lock, with an audit event;
texts leave through the outbox after commit. Each write is idempotent: the intake by its form's key,
the responder's steps by the offer's state (a second tap changes nothing), the timeouts by the clock.
"""

from __future__ import annotations

import contextlib
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import User
from agency.services.payees import payee_service_post
from care import clock, notifications, ranking
from care.models import (
    CareAlert,
    CareCall,
    CareOffer,
    CareResident,
    Responder,
    Service,
    new_call_reference,
    new_nonce,
)
from care.workflow import CALL_MACHINE, Action
from core.audit import audit_event_record
from core.idempotency import create_once, fingerprint, idempotency_conflict
from core.masking import mask_name
from stations.scope import require, scope_for

Status = CareCall.Status
OfferStatus = CareOffer.Status


def _record(call: CareCall, action: str, *, actor=None, **data) -> None:
    audit_event_record(actor=actor, action=f"care.call.{action}", target=call,
                       data={"status": call.status, **data})


def _locked(call_id: int) -> CareCall:
    return CareCall.objects.select_for_update().select_related("resident", "village").get(pk=call_id)


# --- intake ---------------------------------------------------------------------------------------------

def can_raise(user: User, resident: CareResident) -> bool:
    """The care desk, an operator of the resident's station at the counter, or the resident's liaison."""
    liaison = resident.liaison_user
    return scope_for(user).can_raise_care_call(path=resident.place_path, station_id=resident.household.grid.station_id,
                                               liaison_id=liaison.pk if liaison is not None else None)


def care_call_take(*, actor: User, resident: CareResident, service: str, urgency: str, description: str,
                   idempotency_key: uuid.UUID, channel: str = CareCall.Channel.HOTLINE,
                   offer_at_once: bool = False) -> CareCall:
    """Record a call for `resident`. The same form sent twice gives the first call back. With
    `offer_at_once` (taken at the counter or by the liaison, where no one ranks responders) the call is
    offered to the best responder in the same step; the desk follows it on its clock."""
    require(can_raise(actor, resident),
            _("Only the care desk, the resident's station and their liaison take care calls for them."))
    content = fingerprint(resident=resident.pk, service=service, urgency=urgency, description=description)

    def build() -> CareCall:
        call = CareCall(resident=resident, village=resident.village, service=service, urgency=urgency,
                        channel=channel, description=description.strip(), taken_by=actor,
                        created_at=timezone.now(), reference="")
        call._fingerprint = content
        call.full_clean(exclude=["reference", "idempotency_key", "taken_by"])
        return call

    def replay(call: CareCall) -> CareCall:
        if fingerprint(resident=call.resident_id, service=call.service, urgency=call.urgency,
                       description=call.description) != content:
            raise idempotency_conflict()
        return call

    with transaction.atomic():
        call, created = create_once(CareCall, key={"idempotency_key": idempotency_key}, build=build,
                                    replay=replay, code="reference", new_code=new_call_reference)
        if created:
            _record(call, "taken", actor=actor, service=service, urgency=urgency, channel=channel)
            if call.is_urgent:
                notifications.send_urgent_notice(call)
            if offer_at_once:
                _offer_next(_locked(call.pk), actor=actor)
                call.refresh_from_db()
    return call


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


def _offer_next(call: CareCall, *, actor=None) -> CareOffer | None:
    """Offer the locked `call` to the best responder not yet asked; with none left, the call waits for the
    desk (unassigned, one alert)."""
    chosen, _left_out = suggestions(call)
    if not chosen:
        CALL_MACHINE.move(call, Action.EXHAUST)
        call.save(update_fields=["status"])
        _record(call, "exhausted", actor=actor)
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
    _record(call, "offered", actor=actor, responder=responder.pk, offer=offer.pk, position=offer.position)
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
    call = _locked(call.pk)
    if call.status == Status.OFFERED:
        return call
    CALL_MACHINE.check(call.status, Action.OFFER)
    _offer_next(call, actor=actor)
    return call


# --- the responder's page (a signed link to one offer) ------------------------------------------------

def _locked_offer(offer_id: int, nonce: str) -> tuple[CareOffer, CareCall]:
    offer = CareOffer.objects.select_for_update().select_related("responder").filter(pk=offer_id).first()
    if offer is None or offer.nonce != nonce:
        raise ValidationError(_("This link is not valid."), code="bad_link")
    return offer, _locked(offer.call_id)


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
        _record(call, "accepted", responder=offer.responder_id, offer=offer.pk)
    else:
        _record(call, "declined", responder=offer.responder_id, offer=offer.pk)
        _offer_next(call)


def _expire(offer: CareOffer, call: CareCall, now) -> None:
    offer.status, offer.answered_at = OfferStatus.EXPIRED, now
    offer.save(update_fields=["status", "answered_at"])
    _record(call, "offer_expired", responder=offer.responder_id, offer=offer.pk)
    _offer_next(call)


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
    _expire(offer, _locked(offer.call_id), now)
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
    _record(call, "arrived", responder=offer.responder_id)
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
    _record(call, "completed", responder=responder.pk, amount_fen=amount_fen, subsidy_fen=responder.subsidy_fen)
    notifications.send_rating_link(call)
    return call


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
    call = _locked(call_id)
    if call.status == Status.CONFIRMED and call.rating == rating:
        return call
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Give a rating from 1 to 5.")})
    CALL_MACHINE.move(call, Action.CONFIRM)
    call.confirmed_at, call.rating, call.rating_note = timezone.now(), rating, note.strip()[:300]
    call.save(update_fields=["status", "confirmed_at", "rating", "rating_note"])
    _record(call, "confirmed", actor=actor, rating=rating, by=by)
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
    call = _locked(call.pk)
    if call.status == Status.CANCELLED:
        return call
    CALL_MACHINE.move(call, Action.CANCEL)
    call.save(update_fields=["status"])
    call.offers.filter(status=OfferStatus.OFFERED).update(status=OfferStatus.WITHDRAWN, answered_at=timezone.now())
    _record(call, "cancelled", actor=actor, reason=reason[:200])
    return call


# --- alerts and the sweep ----------------------------------------------------------------------------

def alert_raise(resident: CareResident, *, kind: str, key: str, message: str, call: CareCall | None = None) -> bool:
    """One alert for the desk under `key` (True when new)."""
    _alert, created = CareAlert.objects.get_or_create(
        key=key[:60], defaults={"kind": kind, "resident": resident, "village_id": resident.village_id,
                                "call": call, "message": message[:200], "created_at": timezone.now()})
    return created


@transaction.atomic
def care_alert_resolve(*, actor: User, alert: CareAlert) -> CareAlert:
    require(scope_for(actor).can_work_care(alert.village.path), _("Only the care desk resolves care alerts."))
    alert = CareAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.resolved_at is None:
        alert.resolved_at, alert.resolved_by = timezone.now(), actor
        alert.save(update_fields=["resolved_at", "resolved_by"])
        audit_event_record(actor=actor, action="care.alert.resolved", target=alert)
    return alert


def call_steps(call: CareCall) -> list[clock.Step]:
    return clock.steps(urgency=call.urgency, created_at=call.created_at, accepted_at=call.accepted_at,
                       arrived_at=call.arrived_at, completed_at=call.completed_at)


def care_calls_sweep() -> dict[str, int]:
    """Expire offers whose time is up (handing each call on) and alert each newly late step once."""
    now = timezone.now()
    expired = 0
    for offer_id in CareOffer.objects.filter(status=OfferStatus.OFFERED, expires_at__lte=now).values_list("pk", flat=True):
        expired += care_offer_expire(offer_id=offer_id)
    late = escalated = 0
    for call_id in CareCall.objects.filter(status__in=CareCall.OPEN_STATUSES).values_list("pk", flat=True):
        with transaction.atomic():
            call = _locked(call_id)
            new = [(step, level) for step, level in clock.overdue(now, **_times(call))
                   if clock.mark(step, level) not in call.late_steps]
            if not new:
                continue
            for step, level in new:
                _raise_late(call, step, level)
            call.late_steps = [*call.late_steps, *(clock.mark(step, level) for step, level in new)]
            call.save(update_fields=["late_steps"])
            for level in (clock.LATE, clock.ESCALATED):
                steps = [step for step, at in new if at == level]
                if steps:
                    _record(call, level, steps=steps)
            late += sum(level == clock.LATE for _step, level in new)
            escalated += sum(level == clock.ESCALATED for _step, level in new)
    return {"expired": expired, "late": late, "escalated": escalated}


def _raise_late(call: CareCall, step: str, level: str) -> None:
    """One (step, level) of the chain: the desk's alert, and the texts to whom that level concerns."""
    label = clock.STEP_LABELS[step]
    if level == clock.LATE:
        alert_raise(call.resident, kind=CareAlert.Kind.LATE, call=call, key=f"late:{call.pk}:{step}",
                    message=_("Call %(ref)s: the “%(step)s” step is late.") % {"ref": call.reference, "step": label})
        notifications.send_late_alert(call, str(label))
    else:
        alert_raise(call.resident, kind=CareAlert.Kind.ESCALATED, call=call, key=f"escalated:{call.pk}:{step}",
                    message=_("Call %(ref)s: the “%(step)s” step is still late; escalated to the township and "
                              "county admins.") % {"ref": call.reference, "step": label})
        notifications.send_escalation(call, str(label))


def _times(call: CareCall) -> dict:
    return {"urgency": call.urgency, "created_at": call.created_at, "accepted_at": call.accepted_at,
            "arrived_at": call.arrived_at, "completed_at": call.completed_at}


# --- the resident's help button -------------------------------------------------------------------------

@transaction.atomic
def care_help_button_give(*, actor: User, resident: CareResident) -> CareResident:
    """Text the resident a link to their own help button; a new one stops the old link."""
    require(scope_for(actor).can_work_care(resident.place_path), _("Only the care desk gives help buttons."))
    resident = CareResident.objects.select_for_update().select_related("village").get(pk=resident.pk)
    resident.help_nonce = new_nonce()
    resident.save(update_fields=["help_nonce"])
    audit_event_record(actor=actor, action="care.resident.help_button_given", target=resident)
    notifications.send_help_link(resident)
    return resident


def care_help_press(*, resident_id: int, nonce: str, idempotency_key: uuid.UUID) -> CareCall:
    """The resident pressed their help button: a call for the desk to ring back (what is needed is found out
    on the phone), with an alert and a text to the care operators. While a call from the button is open,
    pressing again gives that call back."""
    with transaction.atomic():
        resident = (CareResident.objects.select_for_update().select_related("village")
                    .filter(pk=resident_id, active=True).first())
        if resident is None or not resident.help_nonce or resident.help_nonce != nonce:
            raise ValidationError(_("This link is not valid."), code="bad_link")
        waiting = resident.calls.filter(channel=CareCall.Channel.RESIDENT, status__in=CareCall.OPEN_STATUSES).first()
        if waiting is not None:
            return waiting

        def build() -> CareCall:
            with override(settings.LANGUAGE_CODE):
                description = _("Pressed the help button: call back to find out what is needed.")
            return CareCall(resident=resident, village=resident.village, service=Service.COMPANY,
                            channel=CareCall.Channel.RESIDENT, description=description, created_at=timezone.now(),
                            reference="")

        def replay(call: CareCall) -> CareCall:
            if call.resident_id != resident.pk:
                raise idempotency_conflict()
            return call

        call, created = create_once(CareCall, key={"idempotency_key": idempotency_key}, build=build, replay=replay,
                                    code="reference", new_code=new_call_reference)
        if created:
            _record(call, "taken", channel=call.channel)
            alert_raise(resident, kind=CareAlert.Kind.HELP, call=call, key=f"help:{call.pk}",
                        message=_("%(name)s pressed the help button (call %(ref)s): call them back.")
                        % {"name": mask_name(resident.name), "ref": call.reference})
            notifications.send_help_pressed(call)
    return call
