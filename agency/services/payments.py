"""Counter payments through a provider: submit (idempotent), settle, resolve unknowns, reverse.

Submitting runs in three steps, so that no database lock is held while the provider thinks:
1. open (one transaction): lock the station's float wallet for the product's group, look for the
   idempotency key (a resend, or a racing twin that committed while we waited, returns the first), check the float (collect:
   balance − reserved ≥ amount; payout: the drawer holds the cash), insert the transaction
   `pending` under a fresh reference, reserve the amount on the wallet;
2. ask the provider (adapter.pay), outside any transaction of ours;
3. settle (one transaction): lock the transaction, then the wallet; succeeded → post the journal,
   failed → nothing posted; either way the reservation is released. A timeout leaves it `unknown`
   and reserved, until a status query (counter_transaction_resolve, or the reconciliation task)
   settles it the same way.
A card payment charges the card between 1 and 2 (services/card_payments.py, also outside any
transaction): declined, or no answer from the reader → the transaction fails (nothing posted, the
reservation released) and the provider is never asked; approved → the provider is paid. A card
charged for a payment that does not stand (the provider declines, a status query says failed, a
reversal) is refunded automatically; while the provider's answer is unknown the charge is kept.
Called inside an outer transaction (ATOMIC_REQUESTS), the steps become savepoints and the wallet
lock is held until the request ends: correct, only slower. Counter views that call
counter_payment_submit are decorated with transaction.non_atomic_requests.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agency import states
from agency.account_numbers import check_account_number, rule_of
from agency.card_terminals import CardOutcome, terminal_name
from agency.models import CounterTransaction, FloatWallet, Journal, Product
from agency.providers import ProviderError, ProviderOutcome, adapter_for
from agency.services.access import require_operator, require_operator_or_admin
from agency.services.card_payments import (
    card_charge,
    card_charge_record,
    card_decline_reason,
    card_follow_up,
    card_status_query,
)
from agency.services.closes import expected_cash_fen
from agency.services.common import (
    fingerprint,
    insert_with_reference,
    locked_wallet,
    payment_lines,
    plan_version_in_force,
    replay,
    transaction_commission,
)
from agency.services.ledger import journal_post, journal_reverse
from agency.services.wallet_tender import is_wallet, wallet_follow_up, wallet_methods, wallet_paid_check
from agency.tariffs import NO_COMMISSION
from core.audit import audit_event_record
from core.money import yuan_plain
from core.state_machine import TransitionNotAllowed
from stations.models import Station

logger = logging.getLogger(__name__)
Status = CounterTransaction.Status
Method = CounterTransaction.PaymentMethod
Card = CounterTransaction.CardStatus
# How long a card payment may wait at the reader before a status query asks the terminal about it.
CARD_READER_PATIENCE = timedelta(minutes=3)


def check_payment(*, product: Product, account_number: str, amount_fen: int, payment_method: str) -> str:
    """Every problem with what the operator entered, at once; returns the normalised account number."""
    errors: dict[str, list[str]] = {}
    number = ""
    if not (product.is_active and product.provider.is_active):
        errors.setdefault("product", []).append(_("%(product)s is not offered at the moment.") % {"product": product})
    try:
        number = check_account_number(account_number, rule_of(product))
    except ValidationError as error:
        errors.setdefault("account_number", []).extend(error.messages)
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool):
        errors.setdefault("amount_fen", []).append(_("Enter the amount in yuan and fen."))
    elif product.amount_choices_fen and amount_fen not in product.amount_choices_fen:
        errors.setdefault("amount_fen", []).append(
            _("Choose one of the fixed amounts: %(amounts)s yuan.")
            % {"amounts": ", ".join(yuan_plain(a) for a in product.amount_choices_fen)})
    elif not product.amount_min_fen <= amount_fen <= product.amount_max_fen:
        errors.setdefault("amount_fen", []).append(
            _("The amount must be between %(low)s and %(high)s yuan.")
            % {"low": yuan_plain(product.amount_min_fen), "high": yuan_plain(product.amount_max_fen)})
    allowed = {Method.CASH} if product.direction == Product.Direction.PAYOUT else {*card_methods(), *wallet_methods()}
    if payment_method not in allowed:
        errors.setdefault("payment_method", []).append(_("This payment method is not available here."))
    if errors:
        raise ValidationError(errors)
    return number


def card_methods() -> tuple[str, ...]:
    """Cash always; card only where a card terminal is configured (settings.AGENCY_CARD_TERMINAL)."""
    return (Method.CASH, Method.CARD) if terminal_name() else (Method.CASH,)


def till_methods() -> tuple[str, ...]:
    """Every way the till may be paid now: cash (the default), card, and the wallets offered."""
    return card_methods() + wallet_methods()


def counter_payment_submit(*, actor: User, station: Station, product: Product, account_number: str,
                           amount_fen: int, idempotency_key: uuid.UUID, payment_method: str = Method.CASH,
                           customer_name: str = "") -> CounterTransaction:
    """Pay a bill, top up a phone, collect a premium, pay out a withdrawal (see the module docstring).

    Returns the transaction: succeeded, failed (failure_reason says why), unknown (the provider did
    not answer), or — for a resend while the first is still with the provider — pending. The same
    `idempotency_key` returns the first transaction; with other content it is refused
    (ValidationError code "idempotency_conflict"). Too little float: ValidationError on
    "amount_fen" (code "insufficient_float"); nothing is written.
    """
    require_operator(actor, station)
    number = check_payment(product=product, account_number=account_number, amount_fen=amount_fen,
                           payment_method=payment_method)
    print_ = fingerprint(kind=CounterTransaction.Kind.PROVIDER, station=station.pk, product=product.pk,
                         account=number, amount=amount_fen, method=payment_method, customer=customer_name.strip())
    if is_wallet(payment_method) and _by_key(idempotency_key) is None:  # (a resend returns the first below)
        wallet_paid_check(key=idempotency_key, method=payment_method, total_fen=amount_fen + product.customer_fee_fen)
    # The key is looked up once, under the float lock (_open): a resend finds the first transaction there.
    tx, created = _open(actor=actor, station=station, product=product, number=number, amount_fen=amount_fen,
                        key=idempotency_key, print_=print_, payment_method=payment_method,
                        customer_name=customer_name.strip())
    if not created:
        return tx
    if payment_method == Method.CARD:
        tx = _take_card(tx, actor=actor)
        if tx.status != Status.PENDING:
            return tx
    adapter = adapter_for(product.provider)
    outcome = call_provider(lambda: adapter.pay(product=product, account_number=number, amount_fen=amount_fen,
                                                reference=tx.reference))
    return money_follow_up(settle(tx_id=tx.pk, outcome=outcome, actor=actor, known=tx), actor=actor)


def money_follow_up(tx: CounterTransaction, *, actor) -> CounterTransaction:
    """What the resident's card or wallet is still owed once the payment is settled (nothing for cash)."""
    return wallet_follow_up(card_follow_up(tx, actor=actor), actor=actor)


def _by_key(key: uuid.UUID) -> CounterTransaction | None:
    """The transaction holding `key`, if any: a narrow look-up first (the usual answer is none), the
    whole row only when there is one."""
    pk = CounterTransaction.objects.filter(idempotency_key=key).values_list("pk", flat=True).first()
    return None if pk is None else CounterTransaction.objects.get(pk=pk)


def _locked(tx_id: int, known: CounterTransaction | None) -> CounterTransaction:
    """The transaction, locked until the end of the transaction, with its product, provider, station,
    village and plan version. `known` is the caller's own copy, just written, with those loaded: then
    only the status is read under the lock, and the copy is used if the status is still the one it
    holds (anything else re-reads the whole row)."""
    locked = CounterTransaction.objects.select_for_update(of=("self",)).filter(pk=tx_id)
    if (known is not None and known.pk == tx_id and CounterTransaction.product.is_cached(known)
            and Product.provider.is_cached(known.product) and CounterTransaction.station.is_cached(known)
            and Station.village.is_cached(known.station)
            and (known.plan_version_id is None or CounterTransaction.plan_version.is_cached(known))
            and locked.values_list("status", flat=True).get() == known.status):
        return known
    return locked.select_related("product__provider", "station__village", "plan_version").get()


def _take_card(tx: CounterTransaction, *, actor) -> CounterTransaction:
    """Charge the card; unless it is approved, fail the transaction before the provider is asked."""
    outcome = card_charge(tx)
    tx = card_charge_record(tx_id=tx.pk, outcome=outcome, actor=actor)
    if outcome.status != "approved":
        tx = settle(tx_id=tx.pk, outcome=ProviderOutcome("failed", message=card_decline_reason(outcome)), actor=actor)
        if outcome.status == "unknown":  # the answer was lost: ask once more at once, refund what was taken
            tx = card_follow_up(tx, actor=actor)
    elif tx.status != Status.PENDING:  # settled while the card was on the reader: the charge goes back
        return card_follow_up(tx, actor=actor)
    return tx


def _open(*, actor, station, product, number, amount_fen, key, print_, payment_method, customer_name):
    with transaction.atomic():
        wallet = locked_wallet(station, product.provider.float_group)
        winner = _by_key(key)
        if winner is not None:  # a twin committed while we waited for the lock
            return replay(winner, print_), False
        collect = product.direction == Product.Direction.COLLECT
        _check_funds(station=station, wallet=wallet, amount_fen=amount_fen, collect=collect)
        version = plan_version_in_force(product.commission_plan, timezone.localdate())
        tx = CounterTransaction(
            idempotency_key=key, fingerprint=print_, kind=CounterTransaction.Kind.PROVIDER, station=station,
            product=product, account_number=number, customer_name=customer_name, amount_fen=amount_fen,
            fee_fen=product.customer_fee_fen, plan_version=version, payment_method=payment_method,
            status=Status.PENDING, created_by=actor)
        tx.commission_fen = (transaction_commission(tx) or NO_COMMISSION).total_fen
        winner = insert_with_reference(tx)
        if winner is not None:
            return replay(winner, print_), False
        if collect:
            FloatWallet.objects.filter(pk=wallet.pk).update(reserved_fen=F("reserved_fen") + amount_fen)
        audit_event_record(actor=actor, action="agency.transaction.submit", target=tx,
                           data={"amount_fen": amount_fen, "product": product.code, "reference": tx.reference})
    return tx, True


def _check_funds(*, station: Station, wallet: FloatWallet, amount_fen: int, collect: bool) -> None:
    if collect and wallet.available_fen < amount_fen:
        message = _("Not enough float for %(group)s: %(available)s yuan available. Ask the county for a "
                    "top-up.") % {"group": wallet.get_float_group_display(),
                                  "available": yuan_plain(wallet.available_fen)}
        raise ValidationError({"amount_fen": ValidationError(message, code="insufficient_float")})
    if not collect:
        cash = expected_cash_fen(station)
        if cash < amount_fen:
            message = _("The cash drawer holds only %(cash)s yuan.") % {"cash": yuan_plain(cash)}
            raise ValidationError({"amount_fen": ValidationError(message, code="insufficient_cash")})


def call_provider(call: Callable[[], ProviderOutcome]) -> ProviderOutcome:
    """The adapter's answer; an exception after the request left is an unknown outcome, not an error."""
    try:
        return call()
    except ProviderError as error:
        return ProviderOutcome("failed", message=str(error))
    except Exception:  # network or provider fault: the payment may or may not have gone through
        logger.exception("provider call failed")
        return ProviderOutcome("unknown", message=_("No answer from the provider."))


def settle(*, tx_id: int, outcome: ProviderOutcome, actor, known: CounterTransaction | None = None
           ) -> CounterTransaction:
    """Apply the provider's answer to a pending or unknown transaction (lock: transaction, then wallet).
    `known`: the caller's copy of the transaction (see _locked)."""
    with transaction.atomic():
        tx = _locked(tx_id, known)
        if outcome.status == "unknown":
            if tx.status == Status.PENDING:
                states.TRANSACTION.move(tx, "time_out")
                tx.failure_reason = outcome.message[:200]
                tx.save(update_fields=["status", "failure_reason"])
                audit_event_record(actor=actor, action="agency.transaction.unknown", target=tx)
            return tx
        action = "succeed" if outcome.status == "succeeded" else "fail"
        try:
            new_status = states.TRANSACTION.target(tx.status, action)
        except TransitionNotAllowed:
            return tx  # settled meanwhile (a status query raced the submit): the first answer stands
        if tx.product.direction == Product.Direction.COLLECT:  # the UPDATE takes the wallet's lock
            FloatWallet.objects.filter(station=tx.station, float_group=tx.product.provider.float_group).update(
                reserved_fen=F("reserved_fen") - tx.amount_fen)
        if new_status == Status.SUCCEEDED:
            journal_post(kind=Journal.Kind.PAYMENT, lines=payment_lines(tx), actor=actor, station=tx.station,
                         counter_transaction=tx, memo=tx.reference)
            tx.provider_reference = outcome.provider_reference[:60]
            tx.failure_reason = ""
        else:
            tx.failure_reason = (outcome.message or _("Declined by the provider."))[:200]
        tx.status, tx.completed_at = new_status, timezone.now()
        tx.save(update_fields=["status", "completed_at", "provider_reference", "failure_reason"])
        audit_event_record(actor=actor, action=f"agency.transaction.{action}", target=tx,
                           data={"provider_reference": tx.provider_reference, "reason": tx.failure_reason})
    return tx


def counter_transaction_resolve(*, actor: User | None, counter_transaction: CounterTransaction) -> CounterTransaction:
    """Ask the provider what became of an unknown (or stale pending) payment and settle it.

    Returns the transaction as it now is; still unknown if the provider still cannot say.
    `actor=None` is the reconciliation task.
    """
    tx = counter_transaction
    if actor is not None:
        require_operator_or_admin(actor, tx.station)
    if tx.card_owes_refund:  # the payment is settled; only the card's money is still to give back
        return card_follow_up(tx, actor=actor)
    if tx.kind != CounterTransaction.Kind.PROVIDER or tx.status not in (Status.UNKNOWN, Status.PENDING):
        return tx
    if tx.payment_method == Method.CARD and tx.status == Status.PENDING and tx.card_status != Card.CHARGED:
        return _resolve_card_first(tx, actor=actor)
    adapter = adapter_for(tx.product.provider)
    outcome = call_provider(lambda: adapter.status(product=tx.product, account_number=tx.account_number,
                                                   amount_fen=tx.amount_fen, reference=tx.reference))
    if outcome.status == "unknown":
        return tx
    return money_follow_up(settle(tx_id=tx.pk, outcome=outcome, actor=actor), actor=actor)


def _resolve_card_first(tx: CounterTransaction, *, actor) -> CounterTransaction:
    """A card payment left pending before the reader's answer was kept (a crash, or the resident still
    at the reader): once the reader has had its time, ask the terminal; a card not charged fails the
    payment, a charged one lets the provider be asked as usual."""
    if timezone.now() - tx.created_at < CARD_READER_PATIENCE:
        return tx
    tx = card_status_query(tx, actor=actor)
    if tx.card_status == Card.DECLINED:
        return settle(tx_id=tx.pk, outcome=ProviderOutcome("failed", message=card_decline_reason(
            CardOutcome("declined"))), actor=actor)
    if tx.card_status == Card.CHARGED:
        return counter_transaction_resolve(actor=actor, counter_transaction=tx)
    return tx


def counter_transactions_reconcile(*, older_than: timedelta = timedelta(minutes=2), limit: int = 500) -> dict:
    """Resolve every unknown transaction, and every pending one left behind by a crash, older than
    `older_than`. Returns counts by resulting status (for the task's log)."""
    cutoff = timezone.now() - older_than
    stuck = (CounterTransaction.objects.filter(kind=CounterTransaction.Kind.PROVIDER, created_at__lt=cutoff)
             .filter(Q(status=Status.UNKNOWN) | Q(status=Status.PENDING))
             .select_related("product__provider", "station__village").order_by("created_at")[:limit])
    counts: dict[str, int] = {}
    for tx in stuck:
        status = counter_transaction_resolve(actor=None, counter_transaction=tx).status
        counts[status] = counts.get(status, 0) + 1
    for tx in _cards_owed(cutoff, limit):
        card = f"card_{card_follow_up(tx, actor=None).card_status}"
        counts[card] = counts.get(card, 0) + 1
    return counts


def _cards_owed(cutoff, limit: int):
    """Settled card payments whose card may still hold money to give back (see card_owes_refund)."""
    return (CounterTransaction.objects
            .filter(payment_method=Method.CARD, status__in=(Status.FAILED, Status.REVERSED), created_at__lt=cutoff,
                    card_status__in=(Card.CHARGED, Card.UNKNOWN, Card.REFUND_PENDING))
            .select_related("station", "product__provider").order_by("created_at")[:limit])


def counter_transaction_reverse(*, actor: User, counter_transaction: CounterTransaction,
                                reason: str) -> CounterTransaction:
    """Undo a succeeded transaction within its window, once: the provider is asked first, then the
    mirror journal is posted (cash back to the resident, float back, commission clawed back)."""
    require_operator_or_admin(actor, counter_transaction.station)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the transaction is reversed.")})
    with transaction.atomic():
        tx = (CounterTransaction.objects.select_for_update(of=("self",))
              .select_related("product__provider", "station__village").get(pk=counter_transaction.pk))
        new_status = states.TRANSACTION.target(tx.status, "reverse")
        _check_window(tx)
        journal = tx.journals.get(kind=Journal.Kind.PAYMENT)
        if tx.kind == CounterTransaction.Kind.PROVIDER:
            _reverse_at_provider(tx)
        journal_reverse(journal=journal, actor=actor, memo=f"{tx.reference}: {reason.strip()}"[:200])
        tx.status, tx.reversed_at, tx.reversed_by = new_status, timezone.now(), actor
        tx.reversal_reason = reason.strip()[:200]
        tx.save(update_fields=["status", "reversed_at", "reversed_by", "reversal_reason"])
        audit_event_record(actor=actor, action="agency.transaction.reverse", target=tx, data={"reason": reason})
    # The card's or wallet's money goes back after the reversal is committed (no lock held while the
    # terminal or wallet answers); a refund it does not confirm stays pending for the reconciliation task.
    return money_follow_up(tx, actor=actor)


def reversal_deadline(tx: CounterTransaction):
    minutes = tx.product.reversal_window_minutes if tx.product_id else settings.AGENCY_REVERSAL_WINDOW_MINUTES
    return (tx.completed_at or tx.created_at) + timedelta(minutes=minutes)


def _check_window(tx: CounterTransaction) -> None:
    if timezone.now() > reversal_deadline(tx):
        raise ValidationError(_("The reversal window of this transaction closed at %(deadline)s.")
                              % {"deadline": timezone.localtime(reversal_deadline(tx)).strftime("%Y-%m-%d %H:%M")},
                              code="window_closed")


def _reverse_at_provider(tx: CounterTransaction) -> None:
    payout = tx.product.direction == Product.Direction.PAYOUT
    wallet = locked_wallet(tx.station, tx.product.provider.float_group)
    if payout and wallet.available_fen < tx.amount_fen:
        raise ValidationError(_("Not enough float to take this withdrawal back."), code="insufficient_float")
    if not payout:
        cash = expected_cash_fen(tx.station)
        if tx.payment_method == Method.CASH and cash < tx.total_fen:
            raise ValidationError(_("The cash drawer holds too little to refund this payment."),
                                  code="insufficient_cash")
    adapter = adapter_for(tx.product.provider)
    outcome = call_provider(lambda: adapter.reverse(product=tx.product, account_number=tx.account_number,
                                                    reference=tx.reference, provider_reference=tx.provider_reference))
    if outcome.status != "succeeded":
        raise ValidationError(outcome.message or _("The provider did not confirm the reversal; try again later."),
                              code="provider_refused")
