"""What a counter payment costs the database: statements, transactions, and what the chart cache saves.

Upper bounds, so that a change that adds statements fails here (timings are the bench's business:
benches/agency_payments.py). Inside a test every transaction of the service is a savepoint; on
PostgreSQL in production the two SAVEPOINT / RELEASE pairs of the open and settle steps are BEGIN /
COMMIT, the third pair (the reference insert's savepoint) stays.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agency import services
from agency.chart import chart_cache_clear, chart_cache_size
from agency.models import CounterTransaction, Journal
from tests.agency.factories import account_number, key

pytestmark = pytest.mark.django_db
# Before the chart cache, the station rollup rows and the one-statement wallet release: 37 (23 of them
# reads). Now 20: open — lock the float, the key, the plan version, the insert (in its own savepoint),
# the reservation, the audit event; settle — lock the transaction, release, the journal, its entries,
# the month and day rollup rows, the status, the audit event; and each step's SAVEPOINT / RELEASE.
MOST_STATEMENTS = 20
MOST_TRANSACTIONS = 2  # open, settle: no lock is held while the provider answers


def pay(operator, station, product, amount=10_000):
    return services.counter_payment_submit(
        actor=operator,
        station=station,
        product=product,
        account_number=account_number(1),
        amount_fen=amount,
        idempotency_key=key(),
    )


def statements_of(operator, station, product, capture) -> list[str]:
    """The SQL of one payment, committed callbacks run (as a commit would run them)."""
    with CaptureQueriesContext(connection) as queries, capture(execute=True):
        assert pay(operator, station, product).status == CounterTransaction.Status.SUCCEEDED
    return [q["sql"] for q in queries.captured_queries]


def test_a_counter_payment_costs_a_bounded_number_of_statements_and_two_transactions(
    operator, station, product, funded, django_capture_on_commit_callbacks
):
    statements_of(operator, station, product, django_capture_on_commit_callbacks)  # the chart is loaded
    statements = statements_of(operator, station, product, django_capture_on_commit_callbacks)
    assert len(statements) <= MOST_STATEMENTS, "\n".join(statements)
    outer = [s for s in statements if s.startswith("SAVEPOINT")]
    assert len(outer) <= MOST_TRANSACTIONS + 1  # + the reference insert's own savepoint
    # Accounts, regions and townships come from the chart cache; no township row is written.
    assert not [s for s in statements if 'FROM "agency_account"' in s or 'FROM "stations_region"' in s]
    rollups = [s.split(" (")[0] for s in statements if s.startswith('INSERT INTO "agency_commission')]
    assert rollups == ['INSERT INTO "agency_commissionrollup"', 'INSERT INTO "agency_commissiondayrollup"']


def test_the_chart_cache_keeps_only_committed_accounts(
    operator, station, product, funded, django_capture_on_commit_callbacks
):
    chart_cache_clear()
    pay(operator, station, product)  # the test's transaction never commits: nothing is cached
    assert chart_cache_size() == 0
    with django_capture_on_commit_callbacks(execute=True):
        pay(operator, station, product)
    assert chart_cache_size() > 0
    first, second = Journal.objects.filter(kind=Journal.Kind.PAYMENT).order_by("pk")[:2]
    assert [(e.account_id, e.amount_fen) for e in first.entries.all()] == [
        (e.account_id, e.amount_fen) for e in second.entries.all()
    ]


def test_a_payment_after_the_cache_is_cleared_posts_to_the_same_accounts(
    operator, station, product, funded, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pay(operator, station, product)
    chart_cache_clear()
    pay(operator, station, product)
    first, second = Journal.objects.filter(kind=Journal.Kind.PAYMENT).order_by("pk")[:2]
    assert [e.account_id for e in first.entries.all()] == [e.account_id for e in second.entries.all()]
