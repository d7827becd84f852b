"""A counter sale paid by WeChat Pay or Alipay (shop/services/counter_wallet.py) against the wallet simulators,
through the real client libraries (only the HTTP transport is the test's: tests/wallet_transport.py).

What is asserted: no order exists until the wallet confirms; then one order is placed and handed over, the till
records the sale paid by the wallet (its clearing account; the cash drawer and the daily close do not move);
stock gone or a price changed meanwhile places nothing and refunds the wallet, saying why; an expired QR
leaves no order; a double submit, a replayed notification or the page asking again place nothing more; an
unknown state is settled by a query; the bill reconciliation matches the sale's payment."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from oscar.core.loading import get_model

from agency import services
from agency.models import CounterTransaction, LedgerEntry, TillWalletPayment
from agency.services.till_wallets import till_wallet_check, till_wallets_sweep
from agency.wallets import simulator
from core.models import AuditEvent
from shop.models import CounterSale, OrderPart, Payment
from shop.services.counter_wallet import counter_sale_wallet_start
from shop.services.reconciliation import wallet_bill_import_create
from tests.agency.invariant_helpers import assert_ledger_sound
from tests.shop import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wallet_http")]
Order = get_model("order", "Order")
Paid = TillWalletPayment.Status
WALLETS = ["wechat", "alipay"]


@pytest.fixture
def goods(merchant_a, merchant_b):
    return {"a": factories.product(merchant_a.partner, title="甲的鸡蛋", price="12.00", stock=10),
            "b": factories.product(merchant_b.partner, title="乙的大米", price="55.00", stock=3)}


def start(operator, goods, wallet="wechat", k=None, items=None):
    return counter_sale_wallet_start(user=operator, idempotency_key=k or uuid.uuid4(), wallet=wallet,
                                     items=[(goods["a"].pk, 2), (goods["b"].pk, 1)] if items is None else items, customer_name="王大爷",
                                     done_url="/counter/sales/paid/x/")


def resident_pays(payment, *, notify=True):
    return simulator.order_pay(simulator.order_get(payment.wallet, payment.out_trade_no), notify=notify)


def balance(station, purpose: str) -> int:
    return (LedgerEntry.objects.filter(account__station=station, account__code__startswith=f"{purpose}:")
            .aggregate(t=Sum("amount_fen"))["t"] or 0)


@pytest.mark.parametrize("wallet", WALLETS)
def test_the_order_is_placed_and_handed_over_only_once_the_wallet_confirms(wallet, operator, station, goods):
    payment = start(operator, goods, wallet)
    assert payment.status == Paid.AWAITING and payment.amount_fen == 7_900 and payment.purpose == "cash_sale"
    assert payment.code_url and not Order.objects.exists() and not CounterSale.objects.exists()

    till_wallet_check(actor=operator, payment=payment)  # not paid yet: nothing placed
    assert not Order.objects.exists() and not CounterTransaction.objects.exists()

    assert resident_pays(payment) is True  # the signed notification reaches the till's notify URL
    payment.refresh_from_db()
    sale = CounterSale.objects.get()
    tx = payment.counter_transaction
    assert payment.status == Paid.PAID and tx.reference == sale.till_reference
    assert (tx.kind, tx.status, tx.payment_method, tx.amount_fen) == ("cash_sale", "succeeded", wallet, 7_900)
    assert (sale.payment_method, sale.wallet_order, sale.mode, sale.operator) == (
        wallet, payment.out_trade_no, "hand_over", operator)
    assert sale.idempotency_key == payment.idempotency_key
    assert {p.status for p in sale.order.parts.all()} == {OrderPart.Status.COLLECTED}
    assert sale.order.fulfilment.payment_method == wallet
    assert goods["a"].stockrecords.get().num_allocated == 2 and goods["b"].stockrecords.get().num_allocated == 1
    shop_payment = Payment.objects.get(order=sale.order)
    assert (shop_payment.provider, shop_payment.external_id, shop_payment.amount_fen) == (
        wallet, payment.out_trade_no, 7_900)
    # The money sits in the station's wallet clearing account; the drawer (and so the daily close) never moved.
    assert balance(station, "wallet") == 7_900 and balance(station, "cash") == 0
    assert services.expected_cash_fen(station) == 0
    assert_ledger_sound()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"counter_sale.wallet_started", "agency.wallet.start", "agency.wallet.paid", "counter_sale.created",
            "payment.wallet_taken"} <= actions


@pytest.mark.parametrize("wallet", WALLETS)
def test_a_replayed_notification_a_double_submit_and_the_page_asking_again_place_one_order(
        wallet, operator, goods, wallet_http):
    k = uuid.uuid4()
    payment = start(operator, goods, wallet, k=k)
    assert start(operator, goods, wallet, k=k).pk == payment.pk  # the double click: the same QR
    resident_pays(payment)
    simulator.notify_send(simulator.order_get(wallet, payment.out_trade_no))  # the wallet sends it again
    payment.refresh_from_db()
    till_wallet_check(actor=operator, payment=payment)
    again = start(operator, goods, wallet, k=k)  # a resend after it was paid
    assert again.pk == payment.pk and again.status == Paid.PAID
    assert (CounterSale.objects.count(), Order.objects.count(), CounterTransaction.objects.count(),
            TillWalletPayment.objects.count(), Payment.objects.count()) == (1, 1, 1, 1, 1)
    assert AuditEvent.objects.filter(action="counter_sale.wallet_started").count() == 1
    assert AuditEvent.objects.filter(action="counter_sale.created").count() == 1
    made = [p for _m, p in wallet_http.calls if p.endswith(("/pay/transactions/native", "/gateway.do"))]
    assert len([p for p in made if "native" in p]) <= 1


def test_the_recorder_called_twice_returns_the_first_sale(operator, goods):
    from shop.services.counter_wallet import counter_sale_wallet_record

    payment = start(operator, goods)
    resident_pays(payment)
    payment.refresh_from_db()
    tx = counter_sale_wallet_record(payment=payment, operator=operator)
    assert tx.pk == payment.counter_transaction_id and CounterSale.objects.count() == 1


@pytest.mark.parametrize("wallet", WALLETS)
def test_stock_gone_while_the_resident_paid_places_nothing_and_refunds_the_wallet(wallet, operator, station, goods):
    payment = start(operator, goods, wallet)
    record = goods["b"].stockrecords.get()
    record.num_in_stock = 0  # sold out meanwhile (the merchant's own count)
    record.save()
    resident_pays(payment)
    payment.refresh_from_db()
    assert payment.status == Paid.REFUNDED and payment.refund_id and payment.counter_transaction is None
    assert "乙的大米" in payment.message and payment.message.startswith(("Not sold", "未售出"))  # the page's language
    assert not Order.objects.exists() and not CounterSale.objects.exists() and not CounterTransaction.objects.exists()
    assert goods["a"].stockrecords.get().num_allocated in (0, None)
    assert sum(r["amount_fen"] for r in simulator.order_get(wallet, payment.out_trade_no)["refunds"]) == 7_900
    assert balance(station, "wallet") == 0 and balance(station, "cash") == 0
    assert AuditEvent.objects.filter(action="counter_sale.wallet_refused").exists()
    assert AuditEvent.objects.filter(action="agency.wallet.refund").exists()


@pytest.mark.parametrize("wallet", WALLETS)
def test_a_price_changed_while_the_resident_paid_places_nothing_and_refunds_the_wallet(wallet, operator, goods):
    payment = start(operator, goods, wallet)
    record = goods["a"].stockrecords.get()
    record.price = record.price + 1
    record.save()
    resident_pays(payment)
    payment.refresh_from_db()
    assert payment.status == Paid.REFUNDED and "甲的鸡蛋" in payment.message and "¥13.00" in payment.message
    assert not Order.objects.exists() and not CounterSale.objects.exists()


def test_a_qr_not_paid_in_time_is_closed_and_leaves_no_order(operator, goods):
    payment = start(operator, goods)
    TillWalletPayment.objects.filter(pk=payment.pk).update(expires_at=timezone.now() - timedelta(seconds=1),
                                                           created_at=timezone.now() - timedelta(minutes=6))
    payment.refresh_from_db()
    closed = till_wallet_check(actor=operator, payment=payment)
    assert closed.status == Paid.CLOSED
    assert simulator.order_get("wechat", payment.out_trade_no)["state"] == "CLOSED"
    assert not Order.objects.exists() and not CounterSale.objects.exists()
    till_wallets_sweep()
    assert not Order.objects.exists()


def test_no_answer_stays_unknown_and_a_query_settles_it(operator, goods, wallet_http):
    wallet_http.faults["/pay/transactions/native"] = "timeout"
    payment = start(operator, goods)
    assert payment.status == Paid.UNKNOWN and not Order.objects.exists()
    wallet_http.faults.clear()
    # The order was made at the wallet after all (the answer was lost) and the resident paid; no notice arrives.
    simulator.order_create(wallet="wechat", out_trade_no=payment.out_trade_no, amount_fen=payment.amount_fen,
                           description="村站", notify_url="", trade_type="NATIVE")
    resident_pays(payment, notify=False)
    wallet_http.faults["/pay/transactions/out-trade-no"] = "timeout"  # the query gets no answer either
    assert till_wallet_check(actor=operator, payment=payment).status == Paid.UNKNOWN
    assert not Order.objects.exists()
    wallet_http.faults.clear()
    settled = till_wallet_check(actor=operator, payment=payment)
    assert settled.status == Paid.PAID and settled.counter_transaction is not None
    assert CounterSale.objects.get().wallet_order == payment.out_trade_no


def test_what_cannot_be_sold_is_refused_before_the_qr(operator, goods, resident):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(ValidationError):
        start(operator, goods, items=[(goods["b"].pk, 4)])  # more than the stock
    with pytest.raises(ValidationError):
        start(operator, goods, items=[])
    with pytest.raises(ValidationError):
        start(operator, goods, wallet="card")
    with pytest.raises(PermissionDenied):
        start(resident, goods)
    assert not TillWalletPayment.objects.exists()


@pytest.mark.parametrize("wallet", WALLETS)
def test_the_bill_reconciliation_matches_a_counter_sales_wallet_payment(
        wallet, operator, goods, county_admin, django_capture_on_commit_callbacks):
    payment = start(operator, goods, wallet)
    resident_pays(payment)
    refused = start(operator, goods, wallet, items=[(goods["a"].pk, 1)])
    record = goods["a"].stockrecords.get()
    record.price = record.price + 1
    record.save()
    resident_pays(refused)  # refunded: the bill lists the payment and its refund
    with django_capture_on_commit_callbacks(execute=True):
        bill = wallet_bill_import_create(actor=county_admin, idempotency_key=uuid.uuid4(), provider=wallet,
                                         bill_date=timezone.localdate())
    bill.refresh_from_db()
    assert bill.mismatches == [] and bill.matched == 2


def test_a_sale_held_here_that_the_bill_lacks_is_reported_once(operator, goods, county_admin,
                                                              django_capture_on_commit_callbacks):
    payment = start(operator, goods)
    resident_pays(payment)
    from django.core.cache import cache

    # The wallet's bill for the day does not list it (what a real mismatch looks like).
    cache.set(simulator._key("wechat", "day", simulator.datetime.now(simulator.CHINA).date().isoformat()), [])
    with django_capture_on_commit_callbacks(execute=True):
        bill = wallet_bill_import_create(actor=county_admin, idempotency_key=uuid.uuid4(), provider="wechat",
                                         bill_date=timezone.localdate())
    bill.refresh_from_db()
    missing = [m for m in bill.mismatches if m["out_trade_no"] == payment.out_trade_no]
    assert [m["kind"] for m in missing] == ["missing_theirs"] and missing[0]["till_station"]
