"""Counter payments through the provider simulator: postings, idempotency, float, unknowns, reversals."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.utils import timezone, translation

from agency import selectors, services
from agency.models import CounterTransaction, FloatWallet, Journal, LedgerEntry, Product
from agency.providers.simulator import _digest
from core.models import AuditEvent
from core.state_machine import TransitionNotAllowed
from tests.agency.factories import ProductFactory, account_number, error_codes, fund, key
from tests.agency.invariant_helpers import assert_ledger_sound
from tests.clock import clock_at
from tests.factories import StaffAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = CounterTransaction.Status


def pay(operator, station, product, amount=10_000, number=None, k=None, **extra):
    return services.counter_payment_submit(actor=operator, station=station, product=product,
                                           account_number=number or account_number(1), amount_fen=amount,
                                           idempotency_key=k or key(), **extra)


def balances(station) -> dict[str, int]:
    rows = LedgerEntry.objects.filter(account__station=station).values("account__code").annotate(t=Sum("amount_fen"))
    return {r["account__code"].split(":")[0]: r["t"] for r in rows if not r["account__code"].startswith("float:")
            } | {"float": sum(r["t"] for r in rows if r["account__code"].startswith("float:"))}


def test_a_paid_bill_posts_cash_float_and_the_split_commission(operator, station, product, funded):
    fund(station, product.float_group, 100_000)
    tx = pay(operator, station, product, amount=123_456)
    assert tx.status == Status.SUCCEEDED and tx.reference.startswith("AG") and tx.provider_reference
    assert tx.commission_fen == 1235  # 1 % of 1234.56 yuan, rounded half up
    journal = Journal.objects.get(counter_transaction=tx)
    assert sum(e.amount_fen for e in journal.entries.all()) == 0
    b = balances(station)
    assert (b["cash"], b["float"]) == (123_456, 200_000 - 123_456)
    assert b["commission"] == -(865 - 26)  # the operator's 70 %, less 3 % tax (25.95 fen → 26)
    assert selectors.account_balance_fen(account="tax") == -26
    assert selectors.account_balance_fen(account=f"provider:{product.provider.code}") == 1235
    region_parts = LedgerEntry.objects.filter(account__region__isnull=False).values_list("amount_fen", flat=True)
    assert sorted(region_parts) == [-124, -123]  # township gets the leftover fen, county its exact share
    assert selectors.account_balance_fen(account="commission:platform") == -123
    assert AuditEvent.objects.filter(action__startswith="agency.transaction").count() == 2
    assert_ledger_sound()


def test_payment_moves_float_to_cash_and_keeps_the_cached_balance_true(operator, station, product, funded):
    pay(operator, station, product, amount=30_000)
    wallet = FloatWallet.objects.get(pk=funded.pk)
    assert (wallet.balance_fen, wallet.reserved_fen) == (70_000, 0)
    assert balances(station)["cash"] == 30_000
    assert_ledger_sound()


def test_a_resend_returns_the_first_transaction_and_posts_nothing_more(operator, station, product, funded):
    k = key()
    first = pay(operator, station, product, k=k)
    again = pay(operator, station, product, k=k)
    assert again.pk == first.pk
    assert Journal.objects.count() == 2  # the top-up and one payment
    assert CounterTransaction.objects.count() == 1


def test_the_same_key_with_other_content_is_refused(operator, station, product, funded):
    k = key()
    pay(operator, station, product, k=k, amount=10_000)
    with pytest.raises(ValidationError) as error:
        pay(operator, station, product, k=k, amount=20_000)
    assert error.value.code == "idempotency_conflict"
    assert CounterTransaction.objects.count() == 1


def test_a_payment_beyond_the_float_is_refused_and_leaves_nothing(operator, station, product, funded):
    with pytest.raises(ValidationError) as error:
        pay(operator, station, product, amount=100_001)
    assert error_codes(error.value) == {"insufficient_float"}
    assert CounterTransaction.objects.count() == 0
    assert FloatWallet.objects.get(pk=funded.pk).reserved_fen == 0


def test_bad_input_is_reported_field_by_field(operator, station, product, funded):
    with pytest.raises(ValidationError) as error:
        pay(operator, station, product, amount=50, number="123")
    assert set(error.value.message_dict) == {"account_number", "amount_fen"}
    assert CounterTransaction.objects.count() == 0


def test_fixed_amounts_are_enforced(operator, station, funded):
    topup = ProductFactory(kind="mobile_topup", provider__float_group="telecom",
                           account_check_digit="mobile", account_min_length=11, account_max_length=11,
                           amount_choices_fen=[1000, 5000])
    fund(station, topup.provider.float_group, 10_000)
    with translation.override("en"), pytest.raises(ValidationError, match="fixed"):
        pay(operator, station, topup, amount=2000, number="13812345678")
    assert pay(operator, station, topup, amount=5000, number="13812345678").status == Status.SUCCEEDED


def test_an_operator_of_another_station_may_not_pay_here(station, other_station, product, funded):
    stranger = UserFactory(roles=["operator"])
    StaffAssignmentFactory(user=stranger, role="operator", station=other_station)
    with pytest.raises(PermissionDenied):
        pay(stranger, station, product)


def test_a_declined_payment_fails_posts_nothing_and_frees_the_float(operator, station, funded):
    product = ProductFactory(account_check_digit="none")
    tx = pay(operator, station, product, number="1234560000", amount=50_000)
    assert tx.status == Status.FAILED and tx.failure_reason
    assert not Journal.objects.filter(counter_transaction=tx).exists()
    assert FloatWallet.objects.get(station=station, float_group=product.float_group).reserved_fen == 0
    assert_ledger_sound()


def test_a_timeout_stays_unknown_and_reserved_until_a_status_query_settles_it(operator, station, funded):
    product = ProductFactory(account_check_digit="none")
    tx = pay(operator, station, product, number="1234569999", amount=40_000)
    assert tx.status == Status.UNKNOWN
    wallet = FloatWallet.objects.get(pk=funded.pk)
    assert wallet.reserved_fen == 40_000 and wallet.available_fen == 60_000
    assert_ledger_sound()
    resolved = services.counter_transaction_resolve(actor=operator, counter_transaction=tx)
    went_through = _digest(tx.reference) % 2 == 0
    assert resolved.status == (Status.SUCCEEDED if went_through else Status.FAILED)
    assert Journal.objects.filter(counter_transaction=tx).exists() is went_through
    assert FloatWallet.objects.get(pk=funded.pk).reserved_fen == 0
    assert_ledger_sound()


def test_reconciliation_settles_old_unknowns(operator, station, funded):
    product = ProductFactory(account_check_digit="none")
    tx = pay(operator, station, product, number="1234569999")
    CounterTransaction.objects.filter(pk=tx.pk).update(created_at=tx.created_at - timedelta(minutes=10))
    counts = services.counter_transactions_reconcile()
    assert sum(counts.values()) == 1
    assert CounterTransaction.objects.get(pk=tx.pk).status in (Status.SUCCEEDED, Status.FAILED)
    assert_ledger_sound()


def test_reversal_mirrors_the_posting_once_and_claws_the_commission_back(operator, station, product, funded):
    tx = pay(operator, station, product, amount=50_000)
    reversed_ = services.counter_transaction_reverse(actor=operator, counter_transaction=tx, reason="户号输错")
    assert reversed_.status == Status.REVERSED
    original = Journal.objects.get(counter_transaction=tx, kind=Journal.Kind.PAYMENT)
    assert original.reversal.kind == Journal.Kind.REVERSAL
    after = balances(station)
    assert (after["cash"], after["commission"], after["float"]) == (0, 0, 100_000)
    assert selectors.account_balance_fen(account="tax") == 0
    assert FloatWallet.objects.get(pk=funded.pk).balance_fen == 100_000
    with pytest.raises(TransitionNotAllowed):
        services.counter_transaction_reverse(actor=operator, counter_transaction=tx, reason="again")
    assert Journal.objects.filter(kind=Journal.Kind.REVERSAL).count() == 1
    assert_ledger_sound()


def test_reversal_after_the_window_is_refused(operator, station, product, funded):
    with clock_at(timezone.now() - timedelta(minutes=product.reversal_window_minutes + 1)):
        tx = pay(operator, station, product)
    with pytest.raises(ValidationError) as error:
        services.counter_transaction_reverse(actor=operator, counter_transaction=tx, reason="太晚")
    assert error.value.code == "window_closed"
    assert CounterTransaction.objects.get(pk=tx.pk).status == Status.SUCCEEDED


def test_a_failed_payment_cannot_be_reversed(operator, station, funded):
    product = ProductFactory(account_check_digit="none")
    tx = pay(operator, station, product, number="1234560000")
    with pytest.raises(TransitionNotAllowed):
        services.counter_transaction_reverse(actor=operator, counter_transaction=tx, reason="x")


def test_a_provider_refusing_the_reversal_leaves_the_payment_standing(operator, station, funded):
    product = ProductFactory(account_check_digit="none")
    tx = pay(operator, station, product, number="1234568888")
    with pytest.raises(ValidationError) as error:
        services.counter_transaction_reverse(actor=operator, counter_transaction=tx, reason="x")
    assert error.value.code == "provider_refused"
    assert CounterTransaction.objects.get(pk=tx.pk).status == Status.SUCCEEDED
    assert Journal.objects.filter(kind=Journal.Kind.REVERSAL).count() == 0


def test_a_withdrawal_pays_cash_out_and_credits_the_float(operator, station):
    bank = ProductFactory(kind="cash_withdrawal", direction=Product.Direction.PAYOUT, customer_fee_fen=200,
                          account_check_digit="luhn", account_min_length=16, account_max_length=19,
                          provider__float_group="banking", provider__code="bank")
    with pytest.raises(ValidationError) as error:  # the drawer is empty
        pay(operator, station, bank, number="4111111111111111", amount=10_000)
    assert error_codes(error.value) == {"insufficient_cash"}
    services.government_fee_take(actor=operator, station=station, amount_fen=20_000, idempotency_key=key(),
                                 external_reference="SR-1")
    tx = pay(operator, station, bank, number="4111111111111111", amount=10_000)
    assert tx.status == Status.SUCCEEDED
    assert balances(station)["cash"] == 20_000 - 10_000 + 200
    assert FloatWallet.objects.get(station=station, float_group="banking").balance_fen == 10_000
    assert_ledger_sound()


def test_low_float_is_flagged(operator, station, product, funded):
    pay(operator, station, product, amount=60_000)
    wallet = FloatWallet.objects.get(pk=funded.pk)
    assert wallet.available_fen == 40_000 and wallet.is_low  # default threshold 500 yuan
