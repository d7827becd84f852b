"""Card payments at the counter through the simulated reader: charge, decline, refund, reversal, retries.

The simulated reader (agency/card_terminals/simulator.py) decides by the amount's last two fen:
.51 declined (insufficient funds), .97 the reader gives no answer; everything else is approved.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.utils import timezone

from agency import services
from agency.card_terminals import CardOutcome, terminal
from agency.card_terminals.simulator import _digest as card_digest
from agency.models import CounterTransaction, FloatWallet, Journal, LedgerEntry
from agency.providers.simulator import _digest as provider_digest
from agency.services.card_payments import card_charge_record
from agency.services.payments import _open
from core.models import AuditEvent
from tests.agency.factories import ProductFactory, account_number, key
from tests.agency.invariant_helpers import assert_ledger_sound
from tests.clock import clock_at
from tests.factories import StaffAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = CounterTransaction.Status
Card = CounterTransaction.CardStatus
CARD = CounterTransaction.PaymentMethod.CARD


def pay_card(operator, station, product, amount=10_000, number=None, k=None):
    return services.counter_payment_submit(actor=operator, station=station, product=product,
                                           account_number=number or account_number(1), amount_fen=amount,
                                           idempotency_key=k or key(), payment_method=CARD)


def _open_card_payment(operator, station, product, *, amount_fen: int) -> CounterTransaction:
    """A card payment as a crash leaves it: opened (pending, the float reserved), the card not yet recorded."""
    tx, created = _open(actor=operator, station=station, product=product, number="1234561234", amount_fen=amount_fen,
                        key=key(), print_="x", payment_method=CARD, customer_name="")
    assert created
    return tx


def balance(station, purpose: str) -> int:
    return (LedgerEntry.objects.filter(account__station=station, account__code__startswith=f"{purpose}:")
            .aggregate(t=Sum("amount_fen"))["t"] or 0)


def card_actions(tx) -> list[str]:
    return list(AuditEvent.objects.filter(target_id=str(tx.pk), action__startswith="agency.card.")
                .order_by("pk").values_list("action", flat=True))


@pytest.fixture
def plain(db):
    """A utilities product without a check digit, so the simulator's special endings can be asked for."""
    return ProductFactory(account_check_digit="none", customer_fee_fen=100)


def test_an_approved_card_pays_the_provider_and_posts_to_card_clearing(operator, station, product, funded):
    tx = pay_card(operator, station, product, amount=12_300)
    assert tx.status == Status.SUCCEEDED and tx.payment_method == CARD
    assert tx.card_status == Card.CHARGED and tx.card_charge_id.startswith("ch_sim_")
    assert tx.card_brand and len(tx.card_last4) == 4
    assert balance(station, "card") == 12_300 and balance(station, "cash") == 0
    reader = terminal()
    assert reader.charge_calls == 1 and reader.charges[tx.reference].amount_fen == tx.total_fen
    assert card_actions(tx) == ["agency.card.approved"]
    assert FloatWallet.objects.get(pk=funded.pk).reserved_fen == 0
    assert_ledger_sound()


def test_the_card_pays_the_fee_too(operator, station, plain, funded):
    tx = pay_card(operator, station, plain, amount=5_000, number="1234561234")
    assert terminal().charges[tx.reference].amount_fen == 5_100
    assert balance(station, "card") == 5_100


def test_a_declined_card_fails_the_payment_posts_nothing_and_frees_the_float(operator, station, plain, funded):
    # The account ends in 9999: had the provider been asked, the payment would be "unknown".
    tx = pay_card(operator, station, plain, amount=20_051, number="1234569999")
    assert tx.status == Status.FAILED and tx.card_status == Card.DECLINED
    assert not tx.journals.exists() and not tx.card_charge_id
    # Stored in the language of the request that made it (tests run in zh-hans).
    assert "银行卡被拒绝" in tx.failure_reason and "余额不足" in tx.failure_reason
    wallet = FloatWallet.objects.get(pk=funded.pk)
    assert (wallet.balance_fen, wallet.reserved_fen) == (100_000, 0)
    assert card_actions(tx) == ["agency.card.declined"]
    assert AuditEvent.objects.filter(target_id=str(tx.pk), action="agency.transaction.fail").exists()
    assert_ledger_sound()


def test_the_provider_failing_after_the_charge_refunds_the_card(operator, station, plain, funded):
    tx = pay_card(operator, station, plain, amount=8_000, number="1234560000")  # the provider declines
    assert tx.status == Status.FAILED and tx.card_status == Card.REFUNDED and tx.card_refund_id
    assert terminal().refunded_fen(tx.card_charge_id) == tx.total_fen == 8_100
    assert card_actions(tx) == ["agency.card.approved", "agency.card.refund"]
    assert not tx.journals.exists() and FloatWallet.objects.get(pk=funded.pk).reserved_fen == 0
    assert_ledger_sound()


def test_a_provider_timeout_keeps_the_charge_until_resolution_decides(operator, station, plain, funded):
    tx = pay_card(operator, station, plain, amount=40_000, number="1234569999")
    assert tx.status == Status.UNKNOWN and tx.card_status == Card.CHARGED
    assert terminal().refunded_fen(tx.card_charge_id) == 0  # kept while the provider cannot say
    resolved = services.counter_transaction_resolve(actor=operator, counter_transaction=tx)
    if provider_digest(tx.reference) % 2 == 0:
        assert resolved.status == Status.SUCCEEDED and resolved.card_status == Card.CHARGED
        assert balance(station, "card") == 40_100
    else:
        assert resolved.status == Status.FAILED and resolved.card_status == Card.REFUNDED
        assert terminal().refunded_fen(tx.card_charge_id) == 40_100
    assert_ledger_sound()


def test_a_provider_timeout_resolved_failed_by_reconciliation_refunds_the_card(operator, station, plain, funded):
    failed = None
    for n in range(40):  # find a reference the simulated provider will later say failed
        tx = pay_card(operator, station, plain, amount=1_000, number=f"{n:06d}9999")
        if provider_digest(tx.reference) % 2:
            failed = tx
            break
    assert failed is not None
    CounterTransaction.objects.filter(pk=failed.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    services.counter_transactions_reconcile()
    failed.refresh_from_db()
    assert failed.status == Status.FAILED and failed.card_status == Card.REFUNDED
    assert terminal().refunded_fen(failed.card_charge_id) == failed.total_fen


def test_reversing_a_card_payment_refunds_the_card(operator, station, product, funded):
    tx = pay_card(operator, station, product, amount=30_000)
    reversed_tx = services.counter_transaction_reverse(actor=operator, counter_transaction=tx, reason="户号填错")
    assert reversed_tx.status == Status.REVERSED and reversed_tx.card_status == Card.REFUNDED
    assert terminal().refunded_fen(tx.card_charge_id) == 30_000
    assert balance(station, "card") == 0  # the mirror journal took the card clearing back
    assert tx.journals.filter(kind=Journal.Kind.PAYMENT).count() == 1
    assert card_actions(tx) == ["agency.card.approved", "agency.card.refund"]
    assert_ledger_sound()


def test_a_double_submit_charges_the_card_once(operator, station, product, funded):
    k = key()
    first = pay_card(operator, station, product, k=k)
    again = pay_card(operator, station, product, k=k)
    assert again.pk == first.pk and CounterTransaction.objects.count() == 1
    reader = terminal()
    assert reader.charge_calls == 1 and len(reader.charges) == 1
    assert balance(station, "card") == 10_000


def test_the_terminal_key_is_the_reference_so_a_repeated_charge_is_the_same_charge(operator, station, product,
                                                                                       funded):
    tx = pay_card(operator, station, product)
    reader = terminal()
    repeat = reader.charge(station=station, amount_fen=tx.total_fen, reference=tx.reference,
                           idempotency_key=tx.reference)
    assert repeat.charge_id == tx.card_charge_id and len(reader.charges) == 1


def test_a_lost_reader_answer_fails_the_payment_and_a_charge_found_later_is_refunded(operator, station, plain,
                                                                                     funded, monkeypatch):
    reader = terminal()
    monkeypatch.setattr(reader, "status", lambda **kw: CardOutcome("unknown"))  # the terminal cannot say yet
    tx = pay_card(operator, station, plain, amount=3_097, number="1234561234")  # .97: the reader times out
    assert tx.status == Status.FAILED and tx.card_status == Card.UNKNOWN and tx.card_owes_refund
    assert not tx.journals.exists() and FloatWallet.objects.get(pk=funded.pk).reserved_fen == 0
    monkeypatch.undo()
    resolved = services.counter_transaction_resolve(actor=operator, counter_transaction=tx)
    if card_digest(tx.reference) % 2 == 0:  # the simulated card was charged after all
        assert resolved.card_status == Card.REFUNDED and reader.refunded_fen(resolved.card_charge_id) == 3_197
    else:
        assert resolved.card_status == Card.DECLINED
    assert resolved.status == Status.FAILED and not resolved.card_owes_refund


def test_a_terminal_fault_is_an_unknown_answer_not_an_error(operator, station, plain, funded, monkeypatch):
    def broken(**kwargs):
        raise ConnectionError("reader unplugged")
    monkeypatch.setattr(terminal(), "charge", broken)
    tx = pay_card(operator, station, plain, amount=2_000, number="1234561234")
    assert tx.status == Status.FAILED and tx.card_status in (Card.UNKNOWN, Card.DECLINED)
    assert not tx.journals.exists()


def test_an_unconfirmed_refund_stays_pending_and_reconciliation_retries_it(operator, station, plain, funded):
    reader = terminal()
    reader.refund_failure_rate = 1.0
    with clock_at(timezone.now() - timedelta(minutes=10)):
        tx = pay_card(operator, station, plain, amount=6_000, number="1234560000")
    assert tx.status == Status.FAILED and tx.card_status == Card.REFUND_PENDING and tx.card_owes_refund
    assert card_actions(tx) == ["agency.card.approved", "agency.card.refund_failed"]
    reader.refund_failure_rate = 0.0
    counts = services.counter_transactions_reconcile()
    tx.refresh_from_db()
    assert tx.card_status == Card.REFUNDED and counts.get("card_refunded") == 1
    assert reader.refunded_fen(tx.card_charge_id) == 6_100
    services.counter_transactions_reconcile()  # nothing more to do: refunded once
    assert reader.refunded_fen(tx.card_charge_id) == 6_100


def test_a_card_payment_left_pending_by_a_crash_is_settled_by_the_terminal(operator, station, plain, funded):
    with clock_at(timezone.now() - timedelta(minutes=10)):  # the process died before the reader answered
        tx = _open_card_payment(operator, station, plain, amount_fen=2_051)  # .51: the reader declines it
    terminal().charge(station=station, amount_fen=tx.total_fen, reference=tx.reference, idempotency_key=tx.reference)
    assert FloatWallet.objects.get(pk=funded.pk).reserved_fen == 2_051
    resolved = services.counter_transaction_resolve(actor=operator, counter_transaction=tx)
    assert resolved.status == Status.FAILED and resolved.card_status == Card.DECLINED
    assert FloatWallet.objects.get(pk=funded.pk).reserved_fen == 0


def test_a_fresh_pending_card_payment_is_left_at_the_reader(operator, station, plain, funded):
    tx = _open_card_payment(operator, station, plain, amount_fen=2_051)
    assert services.counter_transaction_resolve(actor=operator, counter_transaction=tx).status == Status.PENDING


def test_an_operator_of_another_station_may_not_charge_a_card_here(station, other_station, product, funded):
    stranger = UserFactory(roles=["operator"])
    StaffAssignmentFactory(user=stranger, role="operator", station=other_station)
    with pytest.raises(PermissionDenied):
        pay_card(stranger, station, product)
    assert not CounterTransaction.objects.exists() and terminal().charge_calls == 0


def test_card_is_refused_without_a_terminal(operator, station, product, funded, settings):
    settings.AGENCY_CARD_TERMINAL = ""
    assert services.card_methods() == ("cash",)
    with pytest.raises(ValidationError) as error:
        pay_card(operator, station, product)
    assert "payment_method" in error.value.message_dict
    assert not CounterTransaction.objects.exists()


def test_cash_payments_never_touch_the_terminal(operator, station, product, funded):
    tx = services.counter_payment_submit(actor=operator, station=station, product=product,
                                         account_number=account_number(1), amount_fen=10_000, idempotency_key=key())
    assert tx.status == Status.SUCCEEDED and tx.card_status == "" and terminal().charge_calls == 0


def test_a_reader_timeout_is_cleared_up_at_once_when_the_terminal_knows(operator, station, plain, funded):
    tx = pay_card(operator, station, plain, amount=3_097, number="1234561234")  # .97: the reader times out
    assert tx.status == Status.FAILED and not tx.card_owes_refund
    if card_digest(tx.reference) % 2 == 0:
        assert tx.card_status == Card.REFUNDED and terminal().refunded_fen(tx.card_charge_id) == 3_197
        assert card_actions(tx) == ["agency.card.unknown", "agency.card.approved", "agency.card.refund"]
    else:
        assert tx.card_status == Card.DECLINED


def test_a_crash_after_a_lost_reader_answer_is_settled_by_the_terminal(operator, station, plain, funded):
    with clock_at(timezone.now() - timedelta(minutes=10)):
        tx = _open_card_payment(operator, station, plain, amount_fen=2_000)
        terminal().charge(station=station, amount_fen=tx.total_fen, reference=tx.reference,
                          idempotency_key=tx.reference)
        tx = card_charge_record(tx_id=tx.pk, outcome=CardOutcome("unknown"), actor=operator)  # then the process died
    assert tx.status == Status.PENDING and not tx.card_owes_refund  # not settled: nothing to give back yet
    services.counter_transactions_reconcile()
    tx.refresh_from_db()
    if provider_digest(tx.reference) % 2 == 0:  # the simulated provider says the payment went through
        assert (tx.status, tx.card_status) == (Status.SUCCEEDED, Card.CHARGED)
        assert balance(station, "card") == tx.total_fen
    else:
        assert (tx.status, tx.card_status) == (Status.FAILED, Card.REFUNDED)
        assert terminal().refunded_fen(tx.card_charge_id) == tx.total_fen
    assert FloatWallet.objects.get(pk=funded.pk).reserved_fen == 0
    assert_ledger_sound()
