"""A visit never double-posts under concurrent resends (PostgreSQL: unique keys and row locks under real
concurrency): the same errand sent many times at once is one errand; the same fee taken at once is one
till transaction and one journal; closing twice at once closes once; the daily close counts it once."""

import uuid

import pytest

from agency import selectors, services
from agency.models import CounterTransaction, Journal, Visit, VisitErrand
from tests.concurrency import run_together

pytestmark = pytest.mark.postgres


def _visit(operator, station):
    return services.visit_open(actor=operator, station=station, idempotency_key=uuid.uuid4(), resident_name="王秀英")


@pytest.mark.django_db(transaction=True)
def test_a_visit_opened_by_a_retry_storm_is_one_visit(operator, station):
    key = uuid.uuid4()

    def open_():
        return services.visit_open(actor=operator, station=station, idempotency_key=key, resident_name="王秀英")

    results = run_together(*[open_] * 10)
    assert all(isinstance(r, Visit) for r in results), results
    assert len({r.pk for r in results}) == 1 and Visit.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_fee_and_its_errand_sent_at_once_post_once_and_the_close_counts_them_once(operator, station):
    visit = _visit(operator, station)
    fee_key = uuid.uuid4()
    before = services.expected_cash_fen(station)

    def fee_and_errand(errand_key):
        def call():
            tx = services.government_fee_take(actor=operator, station=station, amount_fen=2_000,
                                              idempotency_key=fee_key, external_reference="MG49VQ57H",
                                              payee_code="MZ", payee_name="民政局")
            return services.visit_errand_add(actor=operator, visit=visit, kind="gov_fee", reference=tx.reference,
                                             label="fee", idempotency_key=errand_key, counter_transaction=tx)
        return call

    # Ten resends: five with the form's key, five from a reloaded form (a new key, the same errand).
    same = uuid.uuid4()
    results = run_together(*[fee_and_errand(same)] * 5, *[fee_and_errand(uuid.uuid4()) for _ in range(5)],
                           atomic=True)
    assert all(isinstance(r, VisitErrand) for r in results), [r for r in results if not isinstance(r, VisitErrand)]
    assert len({r.pk for r in results}) == 1
    assert CounterTransaction.objects.count() == 1 and Journal.objects.filter(kind="payment").count() == 1
    assert services.visit_cash_due_fen(visit) == 2_000
    closes = run_together(*[lambda: services.visit_close(actor=operator, visit=visit, cash_received_fen=5_000)] * 4)
    assert all(isinstance(r, Visit) for r in closes), closes
    assert Visit.objects.get(pk=visit.pk).change_fen == 3_000
    assert services.expected_cash_fen(station) - before == 2_000
    close = services.daily_cash_close_submit(actor=operator, station=station, counted_fen=before + 2_000,
                                             idempotency_key=uuid.uuid4())
    assert close.variance_fen == 0
    assert not selectors.unbalanced_journals().exists() and selectors.ledger_total_fen() == 0


@pytest.mark.django_db(transaction=True)
def test_a_fee_refunded_twice_at_once_is_reversed_once(operator, officer, station):
    tx = services.government_fee_take(actor=operator, station=station, amount_fen=2_000, idempotency_key=uuid.uuid4(),
                                      external_reference="MG49VQ57H", payee_code="MZ", payee_name="民政局")
    results = run_together(*[lambda: services.government_fee_refund(actor=officer, counter_transaction=tx,
                                                                     reason="不予受理")] * 5)
    assert all(isinstance(r, CounterTransaction) and r.status == "reversed" for r in results), results
    assert Journal.objects.filter(kind="reversal").count() == 1
