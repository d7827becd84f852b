"""Ledger guarantees that need PostgreSQL: the append-only trigger, a retry storm on one key,
concurrent payments against a small float (row locks), a double-clicked reversal."""


import pytest
from django.db import IntegrityError, connection, transaction

from agency import services
from agency.models import CounterTransaction, FloatWallet, Journal, LedgerEntry
from tests.agency.factories import account_number, error_codes, fund, key
from tests.agency.invariant_helpers import assert_ledger_sound
from tests.concurrency import run_together

pytestmark = pytest.mark.postgres


def _raw(sql: str) -> None:
    """Straight to the database: Django's own PROTECT would refuse a journal delete before PostgreSQL could."""
    with connection.cursor() as cursor:
        cursor.execute(sql)


@pytest.mark.django_db
def test_postgresql_refuses_to_update_or_delete_posted_journals_and_entries(operator, station, product, funded):
    tx = services.counter_payment_submit(actor=operator, station=station, product=product,
                                         account_number=account_number(1), amount_fen=10_000, idempotency_key=key())
    journal = Journal.objects.get(counter_transaction=tx)
    entry = journal.entries.first()
    for attempt in (lambda: LedgerEntry.objects.filter(pk=entry.pk).update(amount_fen=1),
                    lambda: LedgerEntry.objects.filter(pk=entry.pk).delete(),
                    lambda: Journal.objects.filter(pk=journal.pk).update(memo="forged"),
                    lambda: _raw(f"DELETE FROM agency_journal WHERE id = {journal.pk}")):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            attempt()
    assert LedgerEntry.objects.get(pk=entry.pk).amount_fen == entry.amount_fen


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_submissions_with_one_key_post_once(operator, station, product, funded):
    k = key()

    def submit():
        return services.counter_payment_submit(actor=operator, station=station, product=product,
                                               account_number=account_number(1), amount_fen=10_000, idempotency_key=k)

    results = run_together(*[submit] * 50)
    assert all(isinstance(r, CounterTransaction) for r in results), [r for r in results if isinstance(r, Exception)]
    assert len({r.pk for r in results}) == 1
    assert CounterTransaction.objects.count() == 1
    assert Journal.objects.filter(kind=Journal.Kind.PAYMENT).count() == 1
    assert FloatWallet.objects.get(pk=funded.pk).balance_fen == 90_000
    assert_ledger_sound()


@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_never_overdraw_a_small_float(operator, station, product):
    wallet = fund(station, product.float_group, 100_000)

    def submit(n):
        return lambda: services.counter_payment_submit(actor=operator, station=station, product=product,
                                                       account_number=account_number(n), amount_fen=15_000,
                                                       idempotency_key=key())

    results = run_together(*[submit(n) for n in range(20)])
    paid = [r for r in results if isinstance(r, CounterTransaction)]
    refused = [r for r in results if not isinstance(r, CounterTransaction)]
    assert len(paid) == 6  # 6 × 150 yuan fit in 1000 yuan, the 7th does not
    assert all(error_codes(r) == {"insufficient_float"} for r in refused), refused
    wallet.refresh_from_db()
    assert (wallet.balance_fen, wallet.reserved_fen) == (10_000, 0)
    assert_ledger_sound()


@pytest.mark.django_db(transaction=True)
def test_a_double_clicked_reversal_reverses_once(operator, station, product, funded):
    tx = services.counter_payment_submit(actor=operator, station=station, product=product,
                                         account_number=account_number(1), amount_fen=10_000, idempotency_key=key())

    def reverse():
        return services.counter_transaction_reverse(
            actor=operator, counter_transaction=CounterTransaction.objects.get(pk=tx.pk), reason="重复")

    results = run_together(reverse, reverse)
    assert sorted(type(r).__name__ for r in results) == ["CounterTransaction", "TransitionNotAllowed"], results
    assert Journal.objects.filter(kind=Journal.Kind.REVERSAL).count() == 1
    assert_ledger_sound()
