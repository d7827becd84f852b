"""What a monthly statement goes through once generated, the same for a station's commission statement
(statements.py) and a payee's statement (payees.py): approval by a county admin other than the one who
generated it (maker-checker), then its bank payment, posted from the account it is read off to the
platform's bank. The callers check who may act."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agency import states
from agency.models import Account, LedgerEntry
from agency.services.ledger import Line, Purpose, journal_post, platform_account
from core.audit import audit_event_record


@transaction.atomic
def statement_approve(statement, *, actor, action: str):
    """The checker: `statement` approved by `actor` unless they generated it, audited as `action`."""
    statement = type(statement).objects.select_for_update().get(pk=statement.pk)
    if statement.generated_by_id == actor.pk:
        raise PermissionDenied(_("A statement is approved by someone other than the person who generated it."))
    states.STATEMENT.move(statement, "approve")
    statement.approved_by, statement.approved_at = actor, timezone.now()
    statement.save(update_fields=["status", "approved_by", "approved_at"])
    audit_event_record(actor=actor, action=action, target=statement)
    return statement


def require_payment_reference(payment_reference: str) -> None:
    if not payment_reference.strip():
        raise ValidationError({"payment_reference": _("Enter the bank payment reference.")})


def statement_paid_record(statement, *, actor, payment_reference: str, amount_fen: int,
                          paid_from: Callable[[], Account], kind: str, memo: str, station=None, action: str) -> None:
    """On the locked, approved `statement`: an amount above zero posted from `paid_from()` to the platform's
    bank (journal memo: `memo`, the month, the reference), the payment recorded and audited as `action`."""
    states.STATEMENT.move(statement, "pay")
    reference = payment_reference.strip()
    if amount_fen > 0:
        statement.payout_journal = journal_post(
            kind=kind, actor=actor, station=station, memo=f"{memo} {statement.month:%Y-%m} {reference}",
            lines=[Line(paid_from(), amount_fen, LedgerEntry.Role.PAYOUT),
                   Line(platform_account(Purpose.PLATFORM_BANK), -amount_fen, LedgerEntry.Role.PAYOUT)])
    statement.paid_by, statement.paid_at = actor, timezone.now()
    statement.payment_reference = reference[:60]
    statement.save(update_fields=["status", "paid_by", "paid_at", "payment_reference", "payout_journal"])
    audit_event_record(actor=actor, action=action, target=statement,
                       data={"payment_reference": statement.payment_reference})
