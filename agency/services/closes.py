"""The daily cash close (日结): the operator counts the drawer, the ledger says what it should hold.

No variance: the close is final. A variance needs an explanation and waits for a township (or
county) admin; approval posts it (cash ↔ over-and-short) so the drawer account matches the count;
rejection sends the operator back to count again (a new count replaces the rejected one).
"""

from __future__ import annotations

import uuid
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agency import states
from agency.models import DailyCashClose, Journal, LedgerEntry
from agency.services.access import require_operator, require_region_admin
from agency.services.common import decision_record
from agency.services.ledger import (
    Line,
    Purpose,
    journal_post,
    station_account,
    station_cash_fen,
)
from core.audit import audit_event_record
from core.idempotency import idempotency_conflict
from core.money import yuan_plain
from stations.models import Station

Status = DailyCashClose.Status


def expected_cash_fen(station: Station) -> int:
    """What the drawer should hold now: the running balance of the station's cash account."""
    return station_cash_fen(station)


def daily_cash_close_submit(*, actor: User, station: Station, counted_fen: int, idempotency_key: uuid.UUID,
                            explanation: str = "", business_date: date | None = None) -> DailyCashClose:
    """Record today's count. A resend (same key) returns the first close; a second close of the same day
    is refused unless the first was rejected, in which case this count replaces it."""
    require_operator(actor, station)
    business_date = business_date or timezone.localdate()
    if not isinstance(counted_fen, int) or counted_fen < 0:
        raise ValidationError({"counted_fen": _("Enter the cash counted, zero or more.")})
    existing = DailyCashClose.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if (existing.station_id, existing.counted_fen, existing.explanation) != (station.pk, counted_fen,
                                                                                 explanation.strip()):
            raise idempotency_conflict()
        return existing
    with transaction.atomic():
        Station.objects.select_for_update().filter(pk=station.pk).first()  # one close at a time per station
        close = DailyCashClose.objects.filter(station=station, business_date=business_date).first()
        if close is not None and close.status != Status.REJECTED:
            raise ValidationError(_("The cash for %(date)s is already closed.") % {"date": business_date},
                                  code="already_closed")
        expected = expected_cash_fen(station)
        variance = counted_fen - expected
        if variance and not explanation.strip():
            raise ValidationError({"explanation": _("The count differs from the ledger by %(variance)s yuan: "
                                                    "explain the difference.") % {"variance": yuan_plain(variance)}})
        close = close or DailyCashClose(station=station, business_date=business_date)
        close.idempotency_key, close.expected_fen, close.counted_fen = idempotency_key, expected, counted_fen
        close.variance_fen, close.explanation = variance, explanation.strip()
        close.status = Status.AWAITING_APPROVAL if variance else Status.BALANCED
        close.closed_by, close.closed_at = actor, timezone.now()
        close.decided_by, close.decided_at, close.decision_note = None, None, ""
        close.save()
        audit_event_record(actor=actor, action="agency.close.submit", target=close,
                           data={"expected_fen": expected, "counted_fen": counted_fen, "variance_fen": variance})
    return close


def daily_cash_close_approve(*, actor: User, close: DailyCashClose, note: str = "") -> DailyCashClose:
    """Accept the variance: post it so that the ledger's drawer matches the count."""
    require_region_admin(actor, close.station)
    with transaction.atomic():
        close = DailyCashClose.objects.select_for_update().select_related("station__village").get(pk=close.pk)
        _not_own(close, actor)
        states.CLOSE.move(close, "approve")
        role = LedgerEntry.Role.VARIANCE
        close.journal = journal_post(
            kind=Journal.Kind.VARIANCE, actor=actor, station=close.station,
            memo=f"{close.station.code} {close.business_date}",
            lines=[Line(station_account(close.station, Purpose.CASH), close.variance_fen, role),
                   Line(station_account(close.station, Purpose.VARIANCE), -close.variance_fen, role)])
        decision_record(close, actor=actor, note=note)
        audit_event_record(actor=actor, action="agency.close.approve", target=close,
                           data={"variance_fen": close.variance_fen})
    return close


def daily_cash_close_reject(*, actor: User, close: DailyCashClose, note: str) -> DailyCashClose:
    require_region_admin(actor, close.station)
    if not note.strip():
        raise ValidationError({"note": _("Say what the operator should check when counting again.")})
    with transaction.atomic():
        close = DailyCashClose.objects.select_for_update().get(pk=close.pk)
        _not_own(close, actor)
        states.CLOSE.move(close, "reject")
        decision_record(close, actor=actor, note=note)
        audit_event_record(actor=actor, action="agency.close.reject", target=close, data={"note": note})
    return close


def _not_own(close: DailyCashClose, actor: User) -> None:
    if close.closed_by_id == actor.pk:
        raise PermissionDenied(_("You may not approve your own cash count."))
