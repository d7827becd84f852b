"""Card payments under concurrency on PostgreSQL: a retry storm on one key charges the card once; a
double-clicked reversal refunds it once."""

import pytest

from agency import services
from agency.card_terminals import terminal
from agency.models import CounterTransaction, Journal
from tests.agency.factories import account_number, key
from tests.agency.test_ledger_postgres import assert_ledger_sound, run_together

pytestmark = pytest.mark.postgres
Card = CounterTransaction.CardStatus


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_card_submissions_with_one_key_charge_once(operator, station, product, funded):
    k = key()

    def submit():
        return services.counter_payment_submit(actor=operator, station=station, product=product,
                                               account_number=account_number(1), amount_fen=10_000,
                                               idempotency_key=k, payment_method="card")

    results = run_together(*[submit] * 20)
    assert all(isinstance(r, CounterTransaction) for r in results), [r for r in results if isinstance(r, Exception)]
    assert len({r.pk for r in results}) == 1 and CounterTransaction.objects.count() == 1
    reader = terminal()
    assert reader.charge_calls == 1 and len(reader.charges) == 1
    assert Journal.objects.filter(kind=Journal.Kind.PAYMENT).count() == 1
    assert CounterTransaction.objects.get().card_status == Card.CHARGED
    assert_ledger_sound()


@pytest.mark.django_db(transaction=True)
def test_a_double_clicked_card_reversal_refunds_once(operator, station, product, funded):
    tx = services.counter_payment_submit(actor=operator, station=station, product=product,
                                         account_number=account_number(1), amount_fen=10_000, idempotency_key=key(),
                                         payment_method="card")

    def reverse():
        return services.counter_transaction_reverse(actor=operator, counter_transaction=tx, reason="重复")

    results = run_together(reverse, reverse)
    assert sum(isinstance(r, CounterTransaction) for r in results) == 1, results
    tx.refresh_from_db()
    assert tx.status == CounterTransaction.Status.REVERSED and tx.card_status == Card.REFUNDED
    assert terminal().refunded_fen(tx.card_charge_id) == 10_000
    assert_ledger_sound()
