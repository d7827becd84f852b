import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from agency.models import CounterTransaction
from shop.models import CounterSale, OrderPart, Payment
from shop.services import orders as order_services
from shop.services.counter import counter_sale_create
from tests.shop import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def goods(merchant_a, merchant_b):
    return {"a": factories.product(merchant_a.partner, title="甲的鸡蛋", price="12.00", stock=10),
            "b": factories.product(merchant_b.partner, title="乙的大米", price="55.00", stock=10)}


def test_a_display_sale_is_handed_over_at_once_with_the_cash_in_the_till(operator, station, goods):
    key = uuid.uuid4()
    sale = counter_sale_create(user=operator, idempotency_key=key, mode="hand_over",
                               items=[(goods["a"].pk, 2), (goods["b"].pk, 1)])
    assert {p.status for p in sale.order.parts.all()} == {OrderPart.Status.COLLECTED}
    tx = CounterTransaction.objects.get(reference=sale.till_reference)
    assert tx.kind == "cash_sale" and tx.amount_fen == 7900 and tx.station == station
    assert sum(Payment.objects.filter(order=sale.order).values_list("amount_fen", flat=True)) == 7900
    assert goods["a"].stockrecords.get().num_allocated == 2
    again = counter_sale_create(user=operator, idempotency_key=key, mode="hand_over", items=[(goods["a"].pk, 2)])
    assert again.pk == sale.pk and CounterSale.objects.count() == 1


def test_an_order_for_later_needs_a_phone_and_then_follows_the_normal_flow(operator, goods, merchant_a_user):
    with pytest.raises(ValidationError):
        counter_sale_create(user=operator, idempotency_key=uuid.uuid4(), mode="order", items=[(goods["a"].pk, 1)])
    sale = counter_sale_create(user=operator, idempotency_key=uuid.uuid4(), mode="order", items=[(goods["a"].pk, 1)],
                               customer_name="王大爷", phone="13944445555")
    part = sale.order.parts.get()
    assert part.status == OrderPart.Status.PLACED and not sale.till_reference
    order_services.order_part_move(user=merchant_a_user, part_id=part.pk, to_status="confirmed")
    order_services.order_part_move(user=merchant_a_user, part_id=part.pk, to_status="sent")
    part = order_services.order_part_move(user=operator, part_id=part.pk, to_status="ready")
    order_services.order_part_hand_over(user=operator, part_id=part.pk, code=part.pickup_code)
    part.refresh_from_db()
    assert CounterTransaction.objects.get(reference=part.counter_sale_reference).amount_fen == 1200


def test_only_an_operator_sells_at_the_counter(resident, merchant_a_user, goods):
    for user in (resident, merchant_a_user):
        with pytest.raises(PermissionDenied):
            counter_sale_create(user=user, idempotency_key=uuid.uuid4(), mode="hand_over", items=[(goods["a"].pk, 1)])


def test_more_than_the_stock_is_refused(operator, goods):
    with pytest.raises(ValidationError):
        counter_sale_create(user=operator, idempotency_key=uuid.uuid4(), mode="hand_over", items=[(goods["a"].pk, 11)])
    assert not CounterSale.objects.exists()


def test_the_counter_sale_screen_rings_up_and_shows_the_receipt(client, operator, goods):
    client.force_login(operator)
    url = reverse("shop:counter-sale-create")
    assert client.get(url).status_code == 200
    response = client.post(url, {"idempotency_key": str(uuid.uuid4()), "mode": "hand_over",
                                 "product_0": goods["a"].pk, "quantity_0": 1})
    assert response.status_code == 302
    receipt = client.get(response.url).content.decode()
    assert "甲的鸡蛋" in receipt and CounterSale.objects.get().till_reference in receipt
