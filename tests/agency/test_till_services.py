"""The till's other services: the API for other apps, float top-ups, daily closes, statements."""


import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from agency import selectors, services
from agency.models import (
    CommissionStatement,
    CounterTransaction,
    DailyCashClose,
    FloatTopUpRequest,
    FloatWallet,
    Journal,
    LedgerEntry,
)
from agency.services.statements import month_statement_figures
from agency.tasks import generate_commission_statements
from core.state_machine import TransitionNotAllowed
from core.timeutil import last_full_month
from tests.agency.factories import account_number, fund, key, last_month_moment, posting_at
from tests.agency.invariant_helpers import second_county_admin
from tests.factories import StaffAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def cash(station) -> int:
    return services.expected_cash_fen(station)


# --- API for other apps -------------------------------------------------------------------------

def test_a_government_fee_goes_into_the_drawer_and_is_held_for_the_government(operator, station):
    k = key()
    tx = services.government_fee_take(actor=operator, station=station, amount_fen=1_000, idempotency_key=k,
                                      external_reference="SR2506ABCD", description="工本费")
    assert tx.kind == CounterTransaction.Kind.GOV_FEE and tx.status == CounterTransaction.Status.SUCCEEDED
    assert cash(station) == 1_000
    assert selectors.account_balance_fen(account=f"gov_payable:{station.code}") == -1_000
    again = services.government_fee_take(actor=operator, station=station, amount_fen=1_000, idempotency_key=k,
                                         external_reference="SR2506ABCD", description="工本费")
    assert again.pk == tx.pk and Journal.objects.count() == 1
    with pytest.raises(ValidationError) as error:
        services.government_fee_take(actor=operator, station=station, amount_fen=2_000, idempotency_key=k,
                                     external_reference="SR2506ABCD", description="工本费")
    assert error.value.code == "idempotency_conflict"


def test_cash_sale_and_order_commission_each_have_their_own_reference(operator, station):
    sale = services.cash_sale_record(actor=operator, station=station, amount_fen=5_990, idempotency_key=key(),
                                     external_reference="100023")
    commission = services.order_commission_post(actor=None, station=station, commission_fen=300,
                                                idempotency_key=key(), external_reference="100023")
    assert sale.reference != commission.reference
    assert selectors.account_balance_fen(account=f"store_payable:{station.code}") == -5_990
    assert selectors.account_balance_fen(account=f"commission:{station.code}") == -300
    assert selectors.account_balance_fen(account="store") == 300


def test_api_refuses_bad_amounts_and_strangers(operator, station, other_station):
    with pytest.raises(ValidationError) as error:
        services.cash_sale_record(actor=operator, station=station, amount_fen=0, idempotency_key=key(),
                                  external_reference="")
    assert set(error.value.message_dict) == {"amount_fen", "external_reference"}
    with pytest.raises(PermissionDenied):
        services.government_fee_take(actor=operator, station=other_station, amount_fen=100, idempotency_key=key(),
                                     external_reference="SR")
    assert CounterTransaction.objects.count() == 0


def test_a_government_fee_can_be_reversed_within_the_window(operator, station):
    tx = services.government_fee_take(actor=operator, station=station, amount_fen=1_000, idempotency_key=key(),
                                      external_reference="SR1")
    services.counter_transaction_reverse(actor=operator, counter_transaction=tx, reason="重复收费")
    assert cash(station) == 0


# --- float top-ups ------------------------------------------------------------------------------

def test_a_top_up_approved_by_the_county_funds_the_float(operator, station, county_admin, township_admin):
    k = key()
    top_up = services.float_top_up_request(actor=operator, station=station, float_group="telecom",
                                           amount_fen=200_000, idempotency_key=k, bank_reference="BANK-1")
    assert services.float_top_up_request(actor=operator, station=station, float_group="telecom",
                                         amount_fen=200_000, idempotency_key=k, bank_reference="BANK-1").pk == top_up.pk
    with pytest.raises(PermissionDenied):
        services.float_top_up_approve(actor=township_admin, top_up=top_up)
    services.float_top_up_approve(actor=county_admin, top_up=top_up)
    wallet = FloatWallet.objects.get(station=station, float_group="telecom")
    assert wallet.balance_fen == 200_000
    assert selectors.account_balance_fen(account=wallet.account) == 200_000
    with pytest.raises(TransitionNotAllowed):
        services.float_top_up_approve(actor=county_admin, top_up=top_up)
    assert Journal.objects.filter(kind=Journal.Kind.TOP_UP).count() == 1


def test_a_rejected_top_up_posts_nothing(operator, station, county_admin):
    top_up = services.float_top_up_request(actor=operator, station=station, float_group="telecom",
                                           amount_fen=1_000, idempotency_key=key())
    with pytest.raises(ValidationError):
        services.float_top_up_reject(actor=county_admin, top_up=top_up, note="")
    services.float_top_up_reject(actor=county_admin, top_up=top_up, note="未收到汇款")
    assert FloatTopUpRequest.objects.get(pk=top_up.pk).status == "rejected"
    assert not Journal.objects.exists()


# --- daily close --------------------------------------------------------------------------------

def test_a_balanced_close_is_final(operator, station):
    services.government_fee_take(actor=operator, station=station, amount_fen=1_000, idempotency_key=key(),
                                 external_reference="SR1")
    close = services.daily_cash_close_submit(actor=operator, station=station, counted_fen=1_000,
                                             idempotency_key=key())
    assert (close.expected_fen, close.variance_fen, close.status) == (1_000, 0, DailyCashClose.Status.BALANCED)
    with pytest.raises(ValidationError) as error:
        services.daily_cash_close_submit(actor=operator, station=station, counted_fen=1_000, idempotency_key=key())
    assert error.value.code == "already_closed"


def test_a_variance_needs_an_explanation_and_the_township_posts_it(operator, station, township_admin):
    services.government_fee_take(actor=operator, station=station, amount_fen=1_000, idempotency_key=key(),
                                 external_reference="SR1")
    with pytest.raises(ValidationError) as error:
        services.daily_cash_close_submit(actor=operator, station=station, counted_fen=900, idempotency_key=key())
    assert "explanation" in error.value.message_dict
    close = services.daily_cash_close_submit(actor=operator, station=station, counted_fen=900,
                                             idempotency_key=key(), explanation="找零少了一元")
    assert close.status == DailyCashClose.Status.AWAITING_APPROVAL and close.variance_fen == -100
    with pytest.raises(PermissionDenied):
        services.daily_cash_close_approve(actor=operator, close=close)
    services.daily_cash_close_approve(actor=township_admin, close=close)
    assert cash(station) == 900
    assert selectors.account_balance_fen(account=f"variance:{station.code}") == 100


def test_a_rejected_close_is_counted_again(operator, station, township_admin):
    services.government_fee_take(actor=operator, station=station, amount_fen=1_000, idempotency_key=key(),
                                 external_reference="SR1")
    close = services.daily_cash_close_submit(actor=operator, station=station, counted_fen=800,
                                             idempotency_key=key(), explanation="不清楚")
    services.daily_cash_close_reject(actor=township_admin, close=close, note="请重新清点")
    recount = services.daily_cash_close_submit(actor=operator, station=station, counted_fen=1_000,
                                               idempotency_key=key())
    assert recount.pk == close.pk and recount.status == DailyCashClose.Status.BALANCED
    assert DailyCashClose.objects.count() == 1 and not Journal.objects.filter(kind="variance").exists()


# --- statements ---------------------------------------------------------------------------------

def _last_month_payments(operator, station, product, funded):
    """Two paid bills and one reversed, all posted last month."""
    with posting_at(last_month_moment()):
        kept = [services.counter_payment_submit(actor=operator, station=station, product=product,
                                                account_number=account_number(n), amount_fen=10_000 * n,
                                                idempotency_key=key()) for n in (1, 2)]
        undone = services.counter_payment_submit(actor=operator, station=station, product=product,
                                                 account_number=account_number(3), amount_fen=30_000,
                                                 idempotency_key=key())
        services.counter_transaction_reverse(actor=operator, counter_transaction=undone, reason="输错")
    return kept, undone


def test_a_statement_reads_gross_clawback_tax_and_net_off_the_ledger(operator, station, product, funded,
                                                                     county_admin, tree):
    _last_month_payments(operator, station, product, funded)
    month = last_full_month()
    statement = services.commission_statement_generate(actor=county_admin, station=station, month=month)
    # 1 % commission of 100, 200 and 300 yuan: operator 70 % = 70, 140, 210 fen; tax 3 % = 2, 4, 6 fen.
    assert (statement.gross_fen, statement.clawback_fen, statement.tax_fen) == (420, 210, 6)
    assert statement.net_fen == 204 and statement.transaction_count == 3
    assert statement.lines.get().label == product.name
    assert services.commission_statement_generate(actor=None, station=station, month=month).pk == statement.pk
    with pytest.raises(PermissionDenied):  # maker-checker
        services.commission_statement_approve(actor=county_admin, statement=statement)
    checker = second_county_admin(tree)
    services.commission_statement_approve(actor=checker, statement=statement)
    paid = services.commission_statement_mark_paid(actor=county_admin, statement=statement, payment_reference="PAY1")
    assert paid.status == CommissionStatement.Status.PAID
    assert selectors.account_balance_fen(account=f"commission:{station.code}") == 0


def test_a_months_statements_read_every_stations_figures_at_once(operator, station, other_station, product,
                                                                 funded, django_assert_max_num_queries):
    _last_month_payments(operator, station, product, funded)
    helper = UserFactory()
    StaffAssignmentFactory(user=helper, station=other_station, role="operator")
    fund(other_station, product.float_group, 100_000)
    with posting_at(last_month_moment()):
        services.counter_payment_submit(actor=helper, station=other_station, product=product,
                                        account_number=account_number(4), amount_fen=50_000, idempotency_key=key())
    month = last_full_month()
    one_by_one = {s.pk: services.statement_figures(s, month) for s in (station, other_station)}
    with django_assert_max_num_queries(3):  # commission rows, fees, products: whatever the number of stations
        figures = month_statement_figures(month)
    assert figures == one_by_one
    statements = services.commission_statements_generate_month(actor=None, month=month)
    assert {s.station_id: s.net_fen for s in statements} == {pk: f[0]["net_fen"] for pk, f in figures.items()}
    assert services.commission_statements_generate_month(actor=None, month=month) == statements


def test_this_month_cannot_be_generated_yet(station, county_admin):
    with pytest.raises(ValidationError):
        services.commission_statement_generate(actor=county_admin, station=station, month=timezone.localdate())


def test_command_and_task_generate_each_month_once(operator, station, product, funded):
    _last_month_payments(operator, station, product, funded)
    month = last_full_month()
    call_command("agency_statements", "--month", f"{month:%Y-%m}")
    assert generate_commission_statements(month=f"{month:%Y-%m}") == 1
    assert CommissionStatement.objects.count() == 1
    assert LedgerEntry.objects.filter(journal__kind="payout").count() == 0
