"""PostgreSQL restarted (pg_ctl stop -m fast: every open transaction cut off) while counter payments are
under way in four threads, each a web worker: what was cut off is rolled back whole, the operator's retry
with the same idempotency key finishes it or returns it, the connections come back by themselves at the
next request (CONN_HEALTH_CHECKS), the sweep settles what was left with the biller, and nothing is paid
twice. docs/faults.md."""

import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.db import Error as DatabaseError
from django.db import close_old_connections, connection

from agency.models import CounterTransaction
from agency.services import counter_payment_submit, counter_transactions_reconcile
from tests.faults.till import account, assert_ledger_sound, ledger_figures, till

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]
Status = CounterTransaction.Status
THREADS, PER_THREAD = 4, 100


def test_payments_survive_a_postgres_restart_in_their_middle(settings, station, operator, private_postgres):
    product, biller = till(settings, station)
    stats = {"errors": 0, "retries_ok": 0, "gave_up": 0, "done": 0}
    error_kinds: set[str] = set()
    lock = threading.Lock()
    keys: list[uuid.UUID] = []

    def web_worker(offset: int) -> None:
        for i in range(PER_THREAD):
            n = offset * PER_THREAD + i
            key = uuid.uuid4()
            with lock:
                keys.append(key)
            for attempt in range(60):  # the operator presses again, up to a minute
                close_old_connections()  # what Django does when a request starts (request_started)
                try:
                    counter_payment_submit(actor=operator, station=station, product=product,
                                           account_number=account(n), amount_fen=1_000 + n, idempotency_key=key)
                except DatabaseError as error:  # the request fails with a clear error; nothing half-saved
                    with lock:
                        stats["errors"] += 1
                        error_kinds.add(type(error).__name__)
                    time.sleep(0.5)
                    continue
                finally:
                    close_old_connections()  # request_finished
                with lock:
                    stats["done"] += 1
                    stats["retries_ok"] += attempt > 0
                break
            else:
                with lock:
                    stats["gave_up"] += 1
        connection.close()

    threads = [threading.Thread(target=web_worker, args=(t,)) for t in range(THREADS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    while CounterTransaction.objects.count() < THREADS * PER_THREAD // 3:
        time.sleep(0.05)
    connection.close()
    down_at = time.monotonic()
    private_postgres.stop("fast")
    time.sleep(2)  # down for two seconds: requests meanwhile fail to connect
    private_postgres.start()
    restart_seconds = time.monotonic() - down_at
    for thread in threads:
        thread.join(timeout=300)
    pending = CounterTransaction.objects.filter(status__in=(Status.PENDING, Status.UNKNOWN)).count()
    counter_transactions_reconcile(older_than=timedelta(0))  # beat's agency-reconcile-unknown
    elapsed = time.monotonic() - started

    figures = ledger_figures(biller)
    rows = CounterTransaction.objects.filter(idempotency_key__in=keys).count()
    print(f"\npostgres restart: {len(keys)} payments in {THREADS} threads, PostgreSQL down {restart_seconds:.1f} s; "
          f"{stats['errors']} requests failed ({', '.join(sorted(error_kinds))}), {stats['retries_ok']} payments "
          f"finished by a retry, {pending} left pending and settled by the sweep; rows {rows}, lost "
          f"{len(keys) - rows + figures['taken_not_recorded']}, doubled "
          f"{figures['doubled_at_biller'] + figures['payments_posted_twice']}; {elapsed:.1f} s")
    assert stats["gave_up"] == 0 and stats["done"] == len(keys) == THREADS * PER_THREAD
    assert stats["errors"] > 0  # the restart did cut requests off
    assert rows == len(keys)
    assert_ledger_sound(figures)
