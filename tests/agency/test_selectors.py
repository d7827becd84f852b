"""Each access selector per role: operator (own station), township admin (their township), county
admin (their county), a resident (nothing); out of scope → PermissionDenied, missing → Http404."""

import pytest
from django.http import Http404

from agency import selectors, services
from agency.models import CommissionStatement, DailyCashClose
from tests.agency.factories import key
from tests.factories import StaffAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(operator, station, other_station):
    """A fee, a top-up request, a close and a statement at each of the two stations."""
    other_operator = UserFactory(roles=["operator"])
    StaffAssignmentFactory(user=other_operator, role="operator", station=other_station)
    made = {}
    for who, where in ((operator, station), (other_operator, other_station)):
        tx = services.government_fee_take(actor=who, station=where, amount_fen=500, idempotency_key=key(),
                                          external_reference="SR")
        top_up = services.float_top_up_request(actor=who, station=where, float_group="telecom", amount_fen=100,
                                               idempotency_key=key())
        close = services.daily_cash_close_submit(actor=who, station=where, counted_fen=500, idempotency_key=key())
        statement = CommissionStatement.objects.create(station=where, month="2025-01-01", generated_at=close.closed_at)
        made[where.pk] = {"transaction": tx, "top_up": top_up, "close": close, "statement": statement,
                          "wallet": top_up.station.float_wallets.get()}
    return made


ACCESS = [
    (selectors.access_counter_transaction_by_id, "transaction_id", "transaction"),
    (selectors.access_float_top_up_request_by_id, "top_up_id", "top_up"),
    (selectors.access_daily_cash_close_by_id, "close_id", "close"),
    (selectors.access_commission_statement_by_id, "statement_id", "statement"),
    (selectors.access_float_wallet_by_id, "wallet_id", "wallet"),
]


@pytest.mark.parametrize(("access", "arg", "name"), ACCESS)
@pytest.mark.parametrize(("role", "sees_own", "sees_other"), [
    ("operator", True, False),
    ("township_admin", True, False),  # the other station lies in another township
    ("county_admin", True, True),
    ("resident", False, False),
    ("superuser", True, True),
])
def test_access_selectors_follow_the_role_scope(request, rows, station, other_station, access, arg, name, role,
                                                sees_own, sees_other):
    user = request.getfixturevalue(role)
    for where, allowed in ((station, sees_own), (other_station, sees_other)):
        row = rows[where.pk][name]
        if allowed:
            assert access(user=user, **{arg: row.pk}).pk == row.pk
        else:
            with pytest.raises(Http404):  # the same answer as for a missing row: nothing is revealed
                access(user=user, **{arg: row.pk})


@pytest.mark.parametrize(("access", "arg", "name"), ACCESS)
def test_a_missing_row_is_not_found(operator, access, arg, name):
    with pytest.raises(Http404):
        access(user=operator, **{arg: 999_999})


def test_lists_are_scoped_too(rows, operator, county_admin, station):
    assert {tx.station_id for tx in selectors.counter_transaction_list(user=operator)} == {station.pk}
    assert selectors.counter_transaction_list(user=county_admin).count() == 2
    assert selectors.daily_cash_close_list(user=operator, status=DailyCashClose.Status.BALANCED).count() == 1


def test_the_counter_summary_has_today_floats_cash_and_commission(rows, station, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        summary = selectors.station_till_summary(station=station)
    assert summary["expected_cash_fen"] == 500 and summary["succeeded_count"] == 1
    assert summary["close"].status == DailyCashClose.Status.BALANCED
    assert summary["commission_this_month_fen"] == 0 and len(summary["floats"]) == 1
