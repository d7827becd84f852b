"""Float top-ups: the station asks (after paying the money in), a county admin approves, and the
approval posts float ← station funding. The station's operator asks; nobody approves their own."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from agency import states
from agency.models import FloatTopUpRequest, FloatWallet, Journal, LedgerEntry, Provider
from agency.services.access import require_operator, require_region_admin
from agency.services.common import decision_record, insert_with_reference, locked_wallet, wallet_for
from agency.services.ledger import Line, Purpose, float_account, journal_post, station_account
from core.audit import audit_event_record
from core.idempotency import fingerprint, idempotency_conflict
from core.money import yuan_plain
from stations.models import Station

Status = FloatTopUpRequest.Status


def float_top_up_request(*, actor: User, station: Station, float_group: str, amount_fen: int,
                         idempotency_key: uuid.UUID, bank_reference: str = "", note: str = "") -> FloatTopUpRequest:
    """Ask for a top-up of one float wallet. Idempotent on the key (a resend returns the first request)."""
    require_operator(actor, station)
    errors: dict[str, list[str]] = {}
    if float_group not in Provider.FloatGroup.values:
        errors["float_group"] = [_("Choose which float to top up.")]
    if not isinstance(amount_fen, int) or amount_fen <= 0:
        errors["amount_fen"] = [_("The amount must be more than zero.")]
    elif amount_fen > settings.AGENCY_MAX_TOP_UP_FEN:
        errors["amount_fen"] = [_("A top-up may not exceed %(high)s yuan.") % {"high": yuan_plain(settings.AGENCY_MAX_TOP_UP_FEN)}]
    if errors:
        raise ValidationError(errors)
    print_ = fingerprint(station=station.pk, group=float_group, amount=amount_fen, bank=bank_reference.strip(),
                         note=note.strip())
    existing = FloatTopUpRequest.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _replay(existing, print_)
    with transaction.atomic():
        wallet_for(station, float_group)  # the wallet exists from the first request on
        top_up = FloatTopUpRequest(idempotency_key=idempotency_key, station=station, float_group=float_group,
                                   amount_fen=amount_fen, bank_reference=bank_reference.strip()[:60],
                                   note=note.strip()[:200], requested_by=actor)
        winner = insert_with_reference(top_up, prefix="TU")
        if winner is not None:
            return _replay(winner, print_)
        audit_event_record(actor=actor, action="agency.top_up.request", target=top_up,
                           data={"amount_fen": amount_fen, "float_group": float_group, "fingerprint": print_})
    return top_up


def _replay(existing: FloatTopUpRequest, print_: str) -> FloatTopUpRequest:
    same = (existing.station_id, existing.float_group, existing.amount_fen, existing.bank_reference, existing.note)
    if fingerprint(station=same[0], group=same[1], amount=same[2], bank=same[3], note=same[4]) != print_:
        raise idempotency_conflict()
    return existing


def float_top_up_approve(*, actor: User, top_up: FloatTopUpRequest, note: str = "") -> FloatTopUpRequest:
    """A county admin confirms the money arrived: float ← station funding, the wallet grows."""
    require_region_admin(actor, top_up.station, county_only=True)
    with transaction.atomic():
        top_up = FloatTopUpRequest.objects.select_for_update().select_related("station__village").get(pk=top_up.pk)
        if top_up.requested_by_id == actor.pk:
            raise PermissionDenied(_("You may not approve your own top-up request."))
        states.TOP_UP.move(top_up, "approve")
        locked_wallet(top_up.station, top_up.float_group)
        top_up.journal = journal_post(
            kind=Journal.Kind.TOP_UP, actor=actor, station=top_up.station, memo=top_up.reference,
            lines=[Line(float_account(top_up.station, top_up.float_group), top_up.amount_fen, LedgerEntry.Role.TOP_UP),
                   Line(station_account(top_up.station, Purpose.FUNDING), -top_up.amount_fen, LedgerEntry.Role.TOP_UP)])
        decision_record(top_up, actor=actor, note=note)
        audit_event_record(actor=actor, action="agency.top_up.approve", target=top_up,
                           data={"amount_fen": top_up.amount_fen})
    return top_up


def float_top_up_reject(*, actor: User, top_up: FloatTopUpRequest, note: str) -> FloatTopUpRequest:
    require_region_admin(actor, top_up.station, county_only=True)
    if not note.strip():
        raise ValidationError({"note": _("Say why the top-up is rejected.")})
    with transaction.atomic():
        top_up = FloatTopUpRequest.objects.select_for_update().get(pk=top_up.pk)
        states.TOP_UP.move(top_up, "reject")
        decision_record(top_up, actor=actor, note=note)
        audit_event_record(actor=actor, action="agency.top_up.reject", target=top_up, data={"note": note})
    return top_up


def float_wallet_set_threshold(*, actor: User, wallet: FloatWallet, low_threshold_fen: int) -> FloatWallet:
    """The county sets below which available float a station is warned."""
    require_region_admin(actor, wallet.station, county_only=True)
    if low_threshold_fen < 0:
        raise ValidationError({"low_threshold_fen": _("The threshold cannot be negative.")})
    with transaction.atomic():
        FloatWallet.objects.filter(pk=wallet.pk).update(low_threshold_fen=low_threshold_fen)
        wallet.refresh_from_db()
        audit_event_record(actor=actor, action="agency.float.threshold", target=wallet,
                           data={"low_threshold_fen": low_threshold_fen})
    return wallet
