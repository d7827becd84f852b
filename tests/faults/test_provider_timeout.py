"""A biller that times out: some requests never reach it, some answers never come back (the money taken),
and its status queries time out too for a while. The till's sweep (counter_transactions_reconcile, beat's
`agency-reconcile-unknown`) resolves every unknown payment; nothing is paid twice. docs/faults.md."""

import time
import uuid
from datetime import timedelta

import pytest

from agency.models import CounterTransaction
from agency.services import counter_payment_submit, counter_transactions_reconcile
from tests.faults.till import account, assert_ledger_sound, ledger_figures, till

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]
Status = CounterTransaction.Status
PAYMENTS = 300


def test_every_payment_left_unknown_by_a_timing_out_biller_is_resolved_once(settings, station, operator):
    product, biller = till(settings, station)
    for n in range(PAYMENTS):  # a third lose their answer, a third never arrive, a third are answered
        biller.faults[account(n)] = ("lose_answer", "lose_request", None)[n % 3]
    biller.status_timeouts = 40  # the first sweep's status queries time out as well
    started = time.monotonic()
    unknown_at_the_counter = retried = 0
    for n in range(PAYMENTS):
        key = uuid.uuid4()

        def pay(key=key, n=n):
            return counter_payment_submit(actor=operator, station=station, product=product, account_number=account(n),
                                          amount_fen=1_000 + n, idempotency_key=key)

        tx = pay()
        if tx.status == Status.UNKNOWN:
            unknown_at_the_counter += 1
            retried += 1
            assert pay().pk == tx.pk  # the operator presses again: the same transaction, the biller not asked
    sweeps = 0
    while CounterTransaction.objects.filter(status__in=(Status.UNKNOWN, Status.PENDING)).exists():
        sweeps += 1
        assert sweeps <= 5, "unknown payments left after 5 sweeps"
        counter_transactions_reconcile(older_than=timedelta(0))
    elapsed = time.monotonic() - started
    figures = ledger_figures(biller)
    counts = {s: CounterTransaction.objects.filter(status=s).count() for s in (Status.SUCCEEDED, Status.FAILED)}
    print(f"\nprovider timeouts: {PAYMENTS} payments, {unknown_at_the_counter} unknown at the counter "
          f"({retried} pressed again), resolved in {sweeps} sweeps ({biller.status_timeouts} status timeouts left); "
          f"succeeded {counts[Status.SUCCEEDED]}, failed {counts[Status.FAILED]}; lost "
          f"{figures['taken_not_recorded']}, doubled {figures['doubled_at_biller'] + figures['payments_posted_twice']}; "
          f"{elapsed:.1f} s")
    assert biller.calls["pay"] == PAYMENTS
    assert unknown_at_the_counter == 2 * PAYMENTS // 3
    assert counts[Status.SUCCEEDED] == 2 * PAYMENTS // 3 and counts[Status.FAILED] == PAYMENTS // 3
    assert_ledger_sound(figures)
