"""Oscar's offers and vouchers in our checkout; a single-use voucher is used by one order only."""

import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from oscar.core.loading import get_class, get_model
from oscar.test.factories import create_order, create_voucher

from shop.services.orders import basket_vouchers_lock
from tests.shop import factories

Basket = get_model("basket", "Basket")
Voucher = get_model("voucher", "Voucher")
Applicator = get_class("offer.applicator", "Applicator")
Selector = get_class("partner.strategy", "Selector")
UnableToPlaceOrder = get_class("order.exceptions", "UnableToPlaceOrder")


def _basket_with(voucher, product):
    basket = Basket.objects.create()
    basket.strategy = Selector().strategy()
    basket.add_product(product, 1)
    basket.vouchers.add(voucher)
    return basket


def _checkout(basket_id: int):
    """What the checkout's place_order does: lock the vouchers, then let Oscar place the order."""
    basket = Basket.objects.get(pk=basket_id)
    basket.strategy = Selector().strategy()
    guest = AnonymousUser()
    Applicator().apply(basket, user=guest)
    with transaction.atomic():
        basket_vouchers_lock(basket=basket, user=guest)
        return create_order(basket=basket, user=guest)


@pytest.fixture
def single_use(db):
    return create_voucher(code="ONCE20", usage=Voucher.SINGLE_USE)


@pytest.mark.django_db
def test_a_voucher_discounts_the_order_and_cannot_be_used_again(merchant_a, single_use):
    item = factories.product(merchant_a.partner, price="50.00")
    first, second = _basket_with(single_use, item), _basket_with(single_use, item)
    order = _checkout(first.pk)
    assert order.total_incl_tax < 50 and order.discounts.exists()  # the voucher's 20 % offer applied
    with pytest.raises(UnableToPlaceOrder):
        _checkout(second.pk)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_checkouts_redeem_a_single_use_voucher_once(merchant_a, single_use):
    item = factories.product(merchant_a.partner, price="50.00", stock=100)
    baskets = [_basket_with(single_use, item).pk for _ in range(20)]
    barrier = threading.Barrier(20, timeout=60)
    results: list = [None] * 20

    def run(index):
        try:
            barrier.wait()
            results[index] = _checkout(baskets[index])
        except Exception as error:  # handed back to the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    placed = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, UnableToPlaceOrder)]
    assert len(placed) == 1 and len(refused) == 19, results
    single_use.refresh_from_db()
    assert single_use.applications.count() == 1 and single_use.num_orders == 1
