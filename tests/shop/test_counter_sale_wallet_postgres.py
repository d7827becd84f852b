"""Counter sales paid by a wallet, recorded at the same moment, on PostgreSQL (shop/services/counter_wallet.py).

The counter page's check and the wallet's notification may both find a confirmed payment unrecorded and record
it together: the second waits on the payment's lock and gets the first's sale; it must not check the stock
the first has just taken and refund a sale that stands. And two sales of the last units confirmed together:
the stock records are locked, so one is sold and the other refunded — never both sold."""

import uuid

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from agency.models import CounterTransaction, TillWalletPayment
from agency.services.till_wallets import till_wallet_check
from agency.wallets import simulator
from shop.models import CounterSale
from shop.services.counter_wallet import counter_sale_wallet_start
from tests.concurrency import run_together
from tests.shop import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("wallet_http")]
Order = get_model("order", "Order")
Paid = TillWalletPayment.Status


def _paid_unrecorded(operator, eggs, quantity):
    """A sale's wallet payment the wallet confirmed (no notification yet) and we hold as paid, not recorded."""
    payment = counter_sale_wallet_start(user=operator, idempotency_key=uuid.uuid4(), wallet="wechat",
                                        items=[(eggs.pk, quantity)])
    order = simulator.order_get("wechat", payment.out_trade_no)
    simulator.order_pay(order, notify=False)
    TillWalletPayment.objects.filter(pk=payment.pk).update(status=Paid.PAID, paid_at=timezone.now(),
                                                           transaction_id=order["transaction_id"])
    return TillWalletPayment.objects.get(pk=payment.pk)


def test_the_page_and_the_notification_recording_one_payment_at_once_place_one_sale(operator, merchant_a):
    eggs = factories.product(merchant_a.partner, title="土鸡蛋", price="12.00", stock=2)
    payment = _paid_unrecorded(operator, eggs, 2)  # exactly the stock

    def page():
        return till_wallet_check(actor=operator, payment=TillWalletPayment.objects.get(pk=payment.pk))

    def notification():
        return till_wallet_check(actor=None, payment=TillWalletPayment.objects.get(pk=payment.pk))

    one, other = run_together(page, notification)
    assert not isinstance(one, Exception) and not isinstance(other, Exception), (one, other)
    payment.refresh_from_db()
    assert payment.status == Paid.PAID and payment.counter_transaction is not None and not payment.refund_id
    assert (CounterSale.objects.count(), Order.objects.count(), CounterTransaction.objects.count()) == (1, 1, 1)
    assert eggs.stockrecords.get().num_allocated == 2


def test_two_sales_of_the_last_units_confirmed_together_sell_once_and_refund_the_other(operator, merchant_a):
    eggs = factories.product(merchant_a.partner, title="土鸡蛋", price="12.00", stock=1)
    first, second = _paid_unrecorded(operator, eggs, 1), _paid_unrecorded(operator, eggs, 1)

    def record(payment):
        return lambda: till_wallet_check(actor=None, payment=TillWalletPayment.objects.get(pk=payment.pk))

    results = run_together(record(first), record(second))
    assert not any(isinstance(result, Exception) for result in results), results
    statuses = sorted(TillWalletPayment.objects.values_list("status", flat=True))
    assert statuses == [Paid.PAID, Paid.REFUNDED]
    assert CounterSale.objects.count() == 1 and Order.objects.count() == 1
    assert eggs.stockrecords.get().num_allocated == 1  # never oversold
    refunded = TillWalletPayment.objects.get(status=Paid.REFUNDED)
    assert "土鸡蛋" in refunded.message and refunded.counter_transaction is None
