"""What the till's tests share: the ledger checked sound, a payment, a second county admin (the checker), the
raw SQL the database-invariant tests (test_database_invariants*.py) try."""


import pytest
from django.db import IntegrityError, connection, transaction

from accounts.roles import Role
from agency import selectors, services
from core.timeutil import last_full_month
from tests.agency.factories import account_number, key, last_month_moment, posting_at
from tests.factories import staff_user

DECLINED = "1234560000"  # the simulated provider declines a payment to this account


def refused(sql: str, params=()) -> None:
    """The database refuses `sql`; PostgreSQL's deferred checks are run as a commit would run them."""
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        connection.check_constraints()


def run(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def assert_ledger_sound():
    assert not selectors.unbalanced_journals().exists()
    assert selectors.ledger_total_fen() == 0
    assert selectors.float_wallet_mismatches() == []
    assert selectors.cash_balance_mismatches() == []
    assert selectors.reserved_mismatches() == []


def pay(operator, station, product, *, amount=10_000, method="cash", number=None):
    return services.counter_payment_submit(actor=operator, station=station, product=product,
                                           account_number=number or account_number(1), amount_fen=amount,
                                           idempotency_key=key(), payment_method=method)


def second_county_admin(tree):
    """Another county admin of the test county: the checker of what the first one made."""
    return staff_user(Role.COUNTY_ADMIN, region=tree["county"])


def last_month():
    return last_full_month()


def till_day(*, operator, station, product, plain, county_admin, township_admin, checker):
    """Every path of the till that writes a guarded row, once (also run as the application's role)."""
    asked = services.float_top_up_request(actor=operator, station=station, float_group=product.float_group,
                                          amount_fen=200_000, idempotency_key=key())
    services.float_top_up_approve(actor=county_admin, top_up=asked)
    with posting_at(last_month_moment()):
        pay(operator, station, product, amount=40_000)
    services.counter_transaction_reverse(actor=operator, counter_transaction=pay(operator, station, product),
                                         reason="户号输错")
    pay(operator, station, product, amount=20_000, method="card")
    pay(operator, station, plain, amount=3_000, method="card", number=DECLINED)  # the card's money goes back
    services.government_fee_take(actor=operator, station=station, amount_fen=1_000, idempotency_key=key(),
                                 external_reference="REQ1")
    services.cash_sale_record(actor=operator, station=station, amount_fen=2_500, idempotency_key=key(),
                              external_reference="ORD1")
    services.order_commission_post(actor=None, station=station, commission_fen=300, idempotency_key=key(),
                                   external_reference="ORD1")
    close = services.daily_cash_close_submit(actor=operator, station=station, counted_fen=0, explanation="点错",
                                             idempotency_key=key())
    services.daily_cash_close_reject(actor=township_admin, close=close, note="再数一遍")
    close = services.daily_cash_close_submit(actor=operator, station=station, counted_fen=1, explanation="少一分",
                                             idempotency_key=key())
    services.daily_cash_close_approve(actor=township_admin, close=close)
    statement = services.commission_statement_generate(actor=county_admin, station=station, month=last_month())
    services.commission_statement_approve(actor=checker, statement=statement)
    return services.commission_statement_mark_paid(actor=county_admin, statement=statement, payment_reference="P9")


