"""The resident's bank card at the counter: charge it on the station's reader, record what the reader
said, give the money back when the payment does not stand.

The card is charged after the transaction is opened (its reference exists, the float is reserved)
and before the provider is paid, outside any database transaction of ours (the resident may take
a minute to tap the card). The terminal's idempotency key is the transaction's reference, so a
resend, a crash or a reconciliation never charges the card twice; a refund's key is derived from
it too. Money taken from a card for a payment that did not stand (the provider declined, a status
query said failed, the transaction was reversed, or the reader's answer was lost) is refunded
here; a refund the terminal does not confirm stays `refund_pending` and the reconciliation task
tries again. Every change leaves an audit event ("agency.card.*").

Nothing here posts to the ledger: a card transaction posts to the station's card-clearing account
only when it succeeds (services.common.payment_lines), like cash; a charge refunded before then
never reached our books.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _

from agency.card_terminals import CardOutcome, RefundOutcome, terminal
from agency.models import CounterTransaction
from core.audit import audit_event_record

logger = logging.getLogger(__name__)
Card = CounterTransaction.CardStatus
Status = CounterTransaction.Status

# What the reader's answer makes of the card's status.
_CARD_STATUS = {"approved": Card.CHARGED, "declined": Card.DECLINED, "unknown": Card.UNKNOWN}


def call_terminal(call: Callable[[], CardOutcome | RefundOutcome], *, refund: bool = False):
    """The terminal's answer; an exception after the request left is an unknown outcome, not an error."""
    try:
        return call()
    except Exception:  # network or terminal fault: the card may or may not have been charged
        logger.exception("card terminal call failed")
        message = _("No answer from the card terminal.")
        return RefundOutcome("unknown", message=message) if refund else CardOutcome("unknown", message=message)


def card_charge(tx: CounterTransaction) -> CardOutcome:
    """Ask the reader to take the transaction's total from the card presented."""
    reader = terminal()
    if reader is None:
        return CardOutcome("declined", message=_("No card terminal is configured at this station."))
    return call_terminal(lambda: reader.charge(station=tx.station, amount_fen=tx.total_fen, reference=tx.reference,
                                               idempotency_key=tx.reference))


def card_charge_record(*, tx_id: int, outcome: CardOutcome, actor) -> CounterTransaction:
    """Keep what the reader said on the transaction. Only a card not yet known to be charged or
    declined moves: a late or repeated answer never undoes a recorded charge."""
    with transaction.atomic():
        tx = (CounterTransaction.objects.select_for_update(of=("self",))
              .select_related("station", "product__provider").get(pk=tx_id))
        if tx.card_status not in (Card.NONE, Card.UNKNOWN):
            return tx
        tx.card_status = _CARD_STATUS[outcome.status]
        if outcome.charge_id:
            tx.card_charge_id = outcome.charge_id[:80]
        tx.card_brand, tx.card_last4 = outcome.brand[:20], outcome.last4[-4:]
        tx.save(update_fields=["card_status", "card_charge_id", "card_brand", "card_last4"])
        audit_event_record(actor=actor, action=f"agency.card.{outcome.status}", target=tx,
                           data={"charge_id": tx.card_charge_id, "brand": tx.card_brand, "last4": tx.card_last4,
                                 "amount_fen": tx.total_fen, "message": outcome.message[:200]})
    return tx


def card_status_query(tx: CounterTransaction, *, actor) -> CounterTransaction:
    """Ask the terminal what became of a charge whose answer was lost, and record it."""
    reader = terminal()
    if reader is None:
        return tx
    outcome = call_terminal(lambda: reader.status(station=tx.station, reference=tx.reference))
    if outcome.status == "unknown":
        return tx
    return card_charge_record(tx_id=tx.pk, outcome=outcome, actor=actor)


def card_refund(tx: CounterTransaction, *, actor) -> CounterTransaction:
    """Give the card back what it paid for a transaction that failed or was reversed (idempotent)."""
    reader = terminal()
    if reader is None or tx.card_status not in (Card.CHARGED, Card.REFUND_PENDING) or not tx.card_charge_id:
        return tx
    outcome = call_terminal(lambda: reader.refund(charge_id=tx.card_charge_id, amount_fen=tx.total_fen,
                                                  idempotency_key=f"{tx.reference}-refund"), refund=True)
    with transaction.atomic():
        tx = CounterTransaction.objects.select_for_update(of=("self",)).select_related("station").get(pk=tx.pk)
        if tx.card_status == Card.REFUNDED:  # a racing twin recorded it (the terminal refunded once)
            return tx
        if outcome.status == "refunded":
            tx.card_status, tx.card_refund_id = Card.REFUNDED, outcome.refund_id[:80]
            action = "agency.card.refund"
        else:
            tx.card_status, action = Card.REFUND_PENDING, "agency.card.refund_failed"
        tx.save(update_fields=["card_status", "card_refund_id"])
        audit_event_record(actor=actor, action=action, target=tx,
                           data={"charge_id": tx.card_charge_id, "refund_id": tx.card_refund_id,
                                 "amount_fen": tx.total_fen, "message": outcome.message[:200]})
    return tx


def card_follow_up(tx: CounterTransaction, *, actor) -> CounterTransaction:
    """Whatever the card still needs once the payment is settled: find out about a lost answer,
    refund a charge for a payment that did not stand. Nothing for a standing or cash payment."""
    if tx.payment_method != CounterTransaction.PaymentMethod.CARD or tx.status in (Status.PENDING, Status.UNKNOWN):
        return tx
    if tx.card_status == Card.UNKNOWN:
        tx = card_status_query(tx, actor=actor)
    if tx.card_owes_refund:
        tx = card_refund(tx, actor=actor)
    return tx


def card_decline_reason(outcome: CardOutcome) -> str:
    """The failure reason the operator reads out (at most 200 characters, as the field holds)."""
    if outcome.status == "unknown":
        reason = _("The card reader did not answer, so nothing was paid to the provider. If the card was "
                   "charged, the money goes back to it automatically.")
    else:
        reason = _("The card was declined; nothing was charged.")
        if outcome.message:
            reason = f"{reason} {outcome.message}"
    return reason[:200]
