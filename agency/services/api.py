"""The till's API for other apps: a government fee taken at the counter, a store cash sale, a
station's commission on a store order, and the store's monthly payout to a merchant (a journal only). Each is a CounterTransaction of its own kind with its own
reference, succeeded at once and posted in the same transaction; each is idempotent on the
caller's key (same key → the first transaction; same key, other content → refused).
agency knows nothing of gov_services or shop: they pass amounts and their own reference.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agency import states
from agency.models import Account, CounterTransaction, Journal, LedgerEntry
from agency.services.access import require_operator, require_signed_in
from agency.services.common import insert_with_reference, payment_lines, replay
from agency.services.ledger import Line, journal_post, journal_reverse, payee_account, platform_account
from agency.services.payments import till_methods
from agency.services.wallet_tender import is_wallet, wallet_follow_up, wallet_paid_check
from core.audit import audit_event_record
from core.idempotency import fingerprint
from core.money import yuan_plain
from stations.models import Station

Kind = CounterTransaction.Kind
Purpose = Account.Purpose
Method = CounterTransaction.PaymentMethod


def government_fee_take(*, actor: User, station: Station, amount_fen: int, idempotency_key: uuid.UUID,
                        external_reference: str, description: str = "", payment_method: str = Method.CASH,
                        payee_code: str = "", payee_name: str = "") -> CounterTransaction:
    """The resident pays a government fee at the counter (cash drawer → government fees held). With a
    `payee_code` (the department's, as the calling app names it) the fee is held in that payee's own
    account (gov_payable:payee:<code>), which the payee's statement reads (selectors.payee_entries)."""
    require_operator(actor, station)
    payee = payee_account(payee_code.strip(), payee_name.strip()) if payee_code.strip() else None
    return _record(actor=actor, station=station, kind=Kind.GOV_FEE, amount_fen=amount_fen, key=idempotency_key,
                   external_reference=external_reference, description=description, payment_method=payment_method,
                   payee=payee)


def government_fee_refund(*, actor: User, counter_transaction: CounterTransaction, reason: str) -> CounterTransaction:
    """Give a government fee back (the request was not accepted): the mirror journal of the fee, linked to
    it, once. A second call returns the reversed transaction. The calling app has checked that `actor`
    may decide the request (agency knows nothing of departments); the station's drawer pays it back, or,
    for a fee paid by WeChat Pay or Alipay, the wallet refunds it (after the commit)."""
    require_signed_in(actor)
    if counter_transaction.kind != Kind.GOV_FEE:
        raise ValidationError(_("Only a government fee is refunded this way."), code="not_a_fee")
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the fee is refunded.")})
    with transaction.atomic():
        tx = CounterTransaction.objects.select_for_update().get(pk=counter_transaction.pk)
        if tx.status == CounterTransaction.Status.REVERSED:
            return tx
        new_status = states.TRANSACTION.target(tx.status, "reverse")
        journal_reverse(journal=tx.journals.get(kind=Journal.Kind.PAYMENT), actor=actor,
                        memo=f"{tx.reference}: {reason.strip()}"[:200])
        tx.status, tx.reversed_at, tx.reversed_by = new_status, timezone.now(), actor
        tx.reversal_reason = reason.strip()[:200]
        tx.save(update_fields=["status", "reversed_at", "reversed_by", "reversal_reason"])
        audit_event_record(actor=actor, action="agency.gov_fee.refund", target=tx, data={"reason": reason.strip()})
        # A fee paid by a wallet goes back to it once the reversal is committed (no lock held meanwhile).
        transaction.on_commit(lambda: wallet_follow_up(tx, actor=actor))
    return tx


def cash_sale_record(*, actor: User, station: Station, amount_fen: int, idempotency_key: uuid.UUID,
                     external_reference: str, description: str = "",
                     payment_method: str = Method.CASH) -> CounterTransaction:
    """A store order paid at the counter (cash drawer → store sales held)."""
    require_operator(actor, station)
    return _record(actor=actor, station=station, kind=Kind.CASH_SALE, amount_fen=amount_fen, key=idempotency_key,
                   external_reference=external_reference, description=description, payment_method=payment_method)


def order_commission_post(*, actor: User | None, station: Station, commission_fen: int,
                          idempotency_key: uuid.UUID, external_reference: str,
                          description: str = "") -> CounterTransaction:
    """The station's commission on a store order (the store owes it; the operator's tax is withheld at
    settings.AGENCY_ORDER_COMMISSION_TAX_BP). `actor=None` when the store's own task posts it."""
    if actor is not None:
        require_signed_in(actor)
    return _record(actor=actor, station=station, kind=Kind.ORDER_COMMISSION, amount_fen=commission_fen,
                   key=idempotency_key, external_reference=external_reference, description=description,
                   payment_method=Method.NONE)


def merchant_payout_post(*, actor: User, amount_fen: int, external_reference: str,
                         payment_reference: str) -> Journal:
    """The store paid a merchant what their approved statement says (store sales held → platform bank).

    The caller holds the lock that makes this once per statement and has checked who may pay; agency
    only refuses what no ledger should take (nothing to pay, no bank reference).
    """
    require_signed_in(actor)
    errors: dict[str, list[str]] = {}
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        errors["amount_fen"] = [_("The amount must be more than zero.")]
    if not payment_reference.strip():
        errors["payment_reference"] = [_("Enter the bank payment reference.")]
    if errors:
        raise ValidationError(errors)
    journal = journal_post(
        kind=Journal.Kind.MERCHANT_PAYOUT, actor=actor,
        memo=f"{external_reference.strip()} {payment_reference.strip()}",
        lines=[Line(platform_account(Purpose.STORE_PAYABLE), amount_fen, LedgerEntry.Role.PAYOUT),
               Line(platform_account(Purpose.PLATFORM_BANK), -amount_fen, LedgerEntry.Role.PAYOUT)])
    audit_event_record(actor=actor, action="agency.merchant_payout.post", target=journal,
                       data={"amount_fen": amount_fen, "external_reference": external_reference.strip()[:60],
                             "payment_reference": payment_reference.strip()[:60]})
    return journal


def _check(*, amount_fen: int, external_reference: str, payment_method: str, kind: str) -> None:
    errors: dict[str, list[str]] = {}
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        errors["amount_fen"] = [_("The amount must be more than zero.")]
    elif amount_fen > settings.AGENCY_MAX_COUNTER_AMOUNT_FEN:
        errors["amount_fen"] = [_("The amount must not exceed %(high)s yuan.")
                                % {"high": yuan_plain(settings.AGENCY_MAX_COUNTER_AMOUNT_FEN)}]
    if not external_reference.strip():
        errors["external_reference"] = [_("A reference of the calling record is required.")]
    allowed = (Method.NONE,) if kind == Kind.ORDER_COMMISSION else till_methods()
    if payment_method not in allowed:
        errors["payment_method"] = [_("This payment method is not available here.")]
    if errors:
        raise ValidationError(errors)


def _record(*, actor, station, kind, amount_fen, key, external_reference, description, payment_method, payee=None):
    _check(amount_fen=amount_fen, external_reference=external_reference, payment_method=payment_method, kind=kind)
    print_ = fingerprint(kind=kind, station=station.pk, amount=amount_fen, ref=external_reference.strip(),
                         description=description.strip(), method=payment_method,
                         **({"payee": payee.code} if payee is not None else {}))
    existing = CounterTransaction.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return replay(existing, print_)
    if is_wallet(payment_method):
        wallet_paid_check(key=key, method=payment_method, total_fen=amount_fen)
    with transaction.atomic():
        tx = CounterTransaction(
            idempotency_key=key, fingerprint=print_, kind=kind, station=station, amount_fen=amount_fen,
            commission_fen=amount_fen if kind == Kind.ORDER_COMMISSION else 0, payment_method=payment_method,
            status=CounterTransaction.Status.SUCCEEDED, external_reference=external_reference.strip()[:60],
            description=description.strip()[:200], created_by=actor if actor is not None else None,
            completed_at=timezone.now())
        winner = insert_with_reference(tx)
        if winner is not None:
            return replay(winner, print_)
        journal_post(kind=Journal.Kind.PAYMENT, lines=payment_lines(tx, payee=payee), actor=actor, station=station,
                     counter_transaction=tx, memo=f"{tx.reference} {tx.external_reference}")
        audit_event_record(actor=actor, action=f"agency.{kind}.record", target=tx,
                           data={"amount_fen": amount_fen, "external_reference": tx.external_reference})
    return tx
