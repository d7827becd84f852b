"""WeChat Pay and Alipay at the till (agency/services/till_wallets.py) against the wallet simulators, through the
real client libraries: only the HTTP transport is the test's (tests/wallet_transport.py).

What is asserted: the QR is one order per idempotency key; nothing is recorded as paid until the wallet
confirms (a query, or its notification checked by one); no answer stays unknown; an expired QR is closed at
the wallet (and a payment made meanwhile is recorded, not lost); the ledger posts to the wallet clearing account
and the cash drawer never moves; what the till cannot record goes back to the wallet; a refunded government
fee goes back to the wallet."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone

from agency import services
from agency.models import CounterTransaction, LedgerEntry, TillWalletPayment
from agency.services.till_wallets import (
    till_wallet_check,
    till_wallet_close,
    till_wallet_start,
    till_wallets_sweep,
)
from agency.wallets import simulator
from core.models import AuditEvent
from tests.agency.factories import account_number, error_codes, key
from tests.agency.invariant_helpers import assert_ledger_sound

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wallet_http")]
Paid = TillWalletPayment.Status
WALLETS = ["wechat", "alipay"]


def balance(station, purpose: str) -> int:
    return (LedgerEntry.objects.filter(account__station=station, account__code__startswith=f"{purpose}:")
            .aggregate(t=Sum("amount_fen"))["t"] or 0)


def start_fee(operator, station, wallet="wechat", k=None, amount=1_500):
    return till_wallet_start(actor=operator, station=station, wallet=wallet, purpose="gov_fee", amount_fen=amount,
                             idempotency_key=k or key(), description="结婚登记工本费",
                             order={"external_reference": "SR-1", "description": "结婚登记", "payee_code": "MZJ",
                                    "payee_name": "民政局"})


def resident_pays(payment, *, notify=True):
    """The resident's phone scanned the QR and confirmed; the wallet sends its notification (unless lost)."""
    return simulator.order_pay(simulator.order_get(payment.wallet, payment.out_trade_no), notify=notify)


@pytest.mark.parametrize("wallet", WALLETS)
def test_a_fee_is_recorded_only_once_the_wallet_confirms_and_never_touches_the_drawer(wallet, operator, station):
    payment = start_fee(operator, station, wallet)
    assert payment.status == Paid.AWAITING and payment.code_url.startswith("https://cunzhan.test/sim/")
    assert payment.out_trade_no.startswith("CZT") and len(payment.out_trade_no) <= 32

    waiting = till_wallet_check(actor=operator, payment=payment)  # not paid yet: nothing recorded
    assert waiting.status == Paid.AWAITING and not CounterTransaction.objects.exists()

    assert resident_pays(payment) is True  # the signed notification reaches the till's notify URL
    payment.refresh_from_db()
    tx = payment.counter_transaction
    assert payment.status == Paid.PAID and payment.transaction_id and payment.paid_at
    assert (tx.kind, tx.status, tx.payment_method, tx.amount_fen) == ("gov_fee", "succeeded", wallet, 1_500)
    assert tx.idempotency_key == payment.idempotency_key
    assert balance(station, "wallet") == 1_500 and balance(station, "cash") == 0
    assert services.expected_cash_fen(station) == 0  # the drawer's running balance did not move
    assert LedgerEntry.objects.filter(account__code="gov_payable:payee:MZJ").get().amount_fen == -1_500
    assert_ledger_sound()

    # The notification again (a replay), and the page asking again: nothing more is recorded.
    simulator.notify_send(simulator.order_get(wallet, payment.out_trade_no))
    till_wallet_check(actor=operator, payment=payment)
    assert CounterTransaction.objects.count() == 1 and balance(station, "wallet") == 1_500
    # The calling app's own take of the fee under the same key finds the same transaction.
    again = services.government_fee_take(actor=operator, station=station, amount_fen=1_500,
                                         idempotency_key=payment.idempotency_key, external_reference="SR-1",
                                         description="结婚登记", payment_method=wallet, payee_code="MZJ",
                                         payee_name="民政局")
    assert again.pk == tx.pk


def test_a_resend_returns_the_first_qr_and_other_content_under_the_key_is_refused(operator, station, wallet_http):
    k = key()
    first = start_fee(operator, station, k=k)
    second = start_fee(operator, station, k=k)
    assert second.pk == first.pk and second.code_url == first.code_url
    assert [path for _m, path in wallet_http.calls].count("/sim/wechatpay/v3/pay/transactions/native") == 1
    with pytest.raises(ValidationError) as refused:
        start_fee(operator, station, k=k, amount=1_600)
    assert "idempotency_conflict" in error_codes(refused.value)
    assert TillWalletPayment.objects.count() == 1


def test_wallet_money_the_wallet_never_confirmed_cannot_be_recorded(operator, station):
    payment = start_fee(operator, station)
    with pytest.raises(ValidationError) as refused:
        services.government_fee_take(actor=operator, station=station, amount_fen=1_500,
                                     idempotency_key=payment.idempotency_key, external_reference="SR-1",
                                     payment_method="wechat")
    assert "wallet_not_paid" in error_codes(refused.value)
    with pytest.raises(ValidationError):  # a key no wallet payment holds
        services.cash_sale_record(actor=operator, station=station, amount_fen=900, idempotency_key=key(),
                                  external_reference="CS-1", payment_method="alipay")
    assert not CounterTransaction.objects.exists()


def test_no_answer_when_the_order_is_made_stays_unknown_until_a_query_decides(operator, station, wallet_http):
    wallet_http.faults["/pay/transactions/native"] = "timeout"
    payment = start_fee(operator, station)
    assert payment.status == Paid.UNKNOWN and not payment.code_url
    assert AuditEvent.objects.filter(action="agency.wallet.unknown").exists()
    wallet_http.faults.clear()
    wallet_http.faults["/pay/transactions/out-trade-no/"] = "timeout"
    assert till_wallet_check(actor=operator, payment=payment).status == Paid.UNKNOWN  # still no answer
    wallet_http.faults.clear()
    assert till_wallet_check(actor=operator, payment=payment).status == Paid.UNKNOWN  # "no such order": not yet
    TillWalletPayment.objects.filter(pk=payment.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    payment.refresh_from_db()
    decided = till_wallet_check(actor=operator, payment=payment)  # the order never reached WeChat Pay
    assert decided.status == Paid.CLOSED and not CounterTransaction.objects.exists()


def test_a_paid_order_is_never_shown_paid_while_the_wallet_does_not_answer(operator, station, wallet_http):
    payment = start_fee(operator, station)
    resident_pays(payment, notify=False)  # the notification is lost
    wallet_http.faults["/pay/transactions/out-trade-no/"] = 500
    payment = till_wallet_check(actor=operator, payment=payment)
    assert payment.status == Paid.AWAITING and payment.counter_transaction is None
    wallet_http.faults.clear()
    payment = till_wallet_check(actor=operator, payment=payment)
    assert payment.status == Paid.PAID and payment.counter_transaction.status == "succeeded"


def test_an_expired_wechat_qr_is_closed_at_the_wallet_and_can_no_longer_take_money(operator, station):
    payment = start_fee(operator, station, "wechat")
    TillWalletPayment.objects.filter(pk=payment.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    payment.refresh_from_db()
    closed = till_wallet_check(actor=operator, payment=payment)
    assert closed.status == Paid.CLOSED and closed.closed_at
    assert simulator.order_get("wechat", payment.out_trade_no)["state"] == "CLOSED"
    assert resident_pays(payment) is False  # the wallet refuses to take money for a closed order
    assert not CounterTransaction.objects.exists()
    assert AuditEvent.objects.filter(action="agency.wallet.closed").count() == 1


def test_an_expired_alipay_qr_paid_after_all_goes_back_to_the_resident(operator, station):
    payment = start_fee(operator, station, "alipay")
    TillWalletPayment.objects.filter(pk=payment.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    payment.refresh_from_db()
    assert till_wallet_check(actor=operator, payment=payment).status == Paid.CLOSED
    # Nobody had scanned it, so Alipay had no trade to close; the resident scans and pays a moment later.
    assert resident_pays(payment) is True
    payment.refresh_from_db()
    assert payment.status == Paid.REFUNDED and payment.counter_transaction is None
    assert not CounterTransaction.objects.exists()
    assert [r["amount_fen"] for r in simulator.order_get("alipay", payment.out_trade_no)["refunds"]] == [1_500]


def test_a_payment_made_while_the_qr_was_being_closed_is_recorded_not_lost(operator, station):
    payment = start_fee(operator, station)
    resident_pays(payment, notify=False)
    cancelled = till_wallet_close(actor=operator, payment=payment, reason="居民改付现金")
    assert cancelled.status == Paid.PAID and cancelled.counter_transaction.status == "succeeded"


def test_a_bill_payment_by_wallet_pays_the_provider_after_the_wallet_and_posts_to_wallet_clearing(
        operator, station, product, funded):
    number = account_number(3)
    payment = till_wallet_start(actor=operator, station=station, wallet="alipay", purpose="provider",
                                amount_fen=12_000, idempotency_key=key(), description=product.name,
                                order={"product": product.pk, "account_number": number, "amount_fen": 12_000,
                                       "customer_name": ""})
    resident_pays(payment)
    payment.refresh_from_db()
    tx = payment.counter_transaction
    assert (tx.kind, tx.status, tx.payment_method, tx.account_number) == ("provider", "succeeded", "alipay", number)
    assert balance(station, "wallet") == 12_000 and balance(station, "cash") == 0
    funded.refresh_from_db()
    assert funded.balance_fen == 100_000 - 12_000 and funded.reserved_fen == 0
    assert_ledger_sound()


def test_what_the_till_cannot_record_once_paid_goes_back_to_the_wallet(operator, station, product, funded):
    payment = till_wallet_start(actor=operator, station=station, wallet="wechat", purpose="provider",
                                amount_fen=200_000, idempotency_key=key(), description=product.name,
                                order={"product": product.pk, "account_number": account_number(4),
                                       "amount_fen": 200_000, "customer_name": ""})  # more than the float holds
    resident_pays(payment)
    payment.refresh_from_db()
    assert payment.status == Paid.REFUNDED and payment.refund_id and payment.counter_transaction is None
    order = simulator.order_get("wechat", payment.out_trade_no)
    assert [r["amount_fen"] for r in order["refunds"]] == [200_000]
    assert not CounterTransaction.objects.exists() and balance(station, "wallet") == 0
    assert AuditEvent.objects.filter(action="agency.wallet.not_recorded").exists()


def test_a_refunded_fee_goes_back_to_the_wallet_once(operator, station, django_capture_on_commit_callbacks):
    payment = start_fee(operator, station)
    resident_pays(payment)
    payment.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        tx = services.government_fee_refund(actor=operator, counter_transaction=payment.counter_transaction,
                                            reason="申请未受理")
    with django_capture_on_commit_callbacks(execute=True):
        services.government_fee_refund(actor=operator, counter_transaction=tx, reason="申请未受理")
    payment.refresh_from_db()
    assert tx.status == "reversed" and payment.status == Paid.REFUNDED
    assert [r["amount_fen"] for r in simulator.order_get("wechat", payment.out_trade_no)["refunds"]] == [1_500]
    assert balance(station, "wallet") == 0 and services.expected_cash_fen(station) == 0
    assert AuditEvent.objects.filter(action="agency.wallet.refund").count() == 1
    assert_ledger_sound()


def test_a_refund_the_wallet_does_not_confirm_is_asked_again_by_the_sweep(
        operator, station, wallet_http, django_capture_on_commit_callbacks):
    payment = start_fee(operator, station)
    resident_pays(payment)
    payment.refresh_from_db()
    wallet_http.faults["/refund/domestic/refunds"] = "timeout"
    with django_capture_on_commit_callbacks(execute=True):
        services.government_fee_refund(actor=operator, counter_transaction=payment.counter_transaction,
                                       reason="申请未受理")
    payment.refresh_from_db()
    assert payment.status == Paid.REFUND_PENDING
    wallet_http.faults.clear()
    TillWalletPayment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert till_wallets_sweep() == {"refunded": 1}
    payment.refresh_from_db()
    assert payment.status == Paid.REFUNDED


def test_the_sweep_records_a_payment_whose_page_was_left_and_notice_lost(operator, station):
    payment = start_fee(operator, station)
    resident_pays(payment, notify=False)
    TillWalletPayment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    assert till_wallets_sweep() == {"paid": 1}
    payment.refresh_from_db()
    assert payment.counter_transaction.status == "succeeded"


def test_only_the_station_operators_start_or_check_a_wallet_payment(operator, station, other_station):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        start_fee(operator, other_station)
    payment = start_fee(operator, station)
    from tests.factories import UserFactory

    with pytest.raises(PermissionDenied):
        till_wallet_check(actor=UserFactory(), payment=payment)
