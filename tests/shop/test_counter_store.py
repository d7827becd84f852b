"""The counter's side of the store: a sale found by pinyin with the change due, and a parcel found by code
or phone, handed over with what is due in cash shown first, its receipt, and wrong codes counted."""

import uuid

import pytest
from django.urls import reverse

from core.models import AuditEvent
from core.pinyin import pinyin_initials
from shop.models import CounterSale, OrderPart
from shop.selectors.counter import code_misses_today, counter_sale_products
from shop.services.counter import counter_sale_create
from tests.shop import factories

pytestmark = pytest.mark.django_db
Status = OrderPart.Status


def test_pinyin_initials_find_goods_as_the_operator_types():
    assert pinyin_initials("土鸡蛋") == "tjd" and pinyin_initials("5G 手机") == "5gsj"


def test_the_sale_screen_lists_goods_with_merchant_stock_price_and_initials(client, operator, eggs, merchant_a):
    [product] = counter_sale_products()
    assert (product.title, product.merchant, product.stock, product.price_fen, product.initials) == (
        "土鸡蛋", merchant_a.name, 10, 1250, "tjd")
    client.force_login(operator)
    page = client.get(reverse("shop:counter-sale-create")).content.decode()
    assert '"initials": "tjd"' in page and "counter_sale.js" in page


def test_cash_received_shows_the_change_on_the_receipt(client, operator, eggs):
    client.force_login(operator)
    response = client.post(reverse("shop:counter-sale-create"), {
        "idempotency_key": str(uuid.uuid4()), "mode": "hand_over", "product_0": eggs.pk, "quantity_0": "2",
        "cash_received": "50"})
    sale = CounterSale.objects.get()
    assert response["Location"] == reverse("shop:counter-sale-receipt", args=[sale.pk])
    assert (sale.cash_received_fen, sale.change_fen) == (5000, 2500)
    receipt = client.get(response["Location"]).content.decode()
    assert "¥50.00" in receipt and "¥25.00" in receipt


def test_too_little_cash_is_refused_and_nothing_is_sold(client, operator, eggs):
    client.force_login(operator)
    response = client.post(reverse("shop:counter-sale-create"), {
        "idempotency_key": str(uuid.uuid4()), "mode": "hand_over", "product_0": eggs.pk, "quantity_0": "2",
        "cash_received": "20"})
    assert response.status_code == 422 and not CounterSale.objects.exists()
    assert "¥25.00" in response.content.decode()


def test_the_sale_receipt_prints_as_a_pdf(client, operator, eggs):
    sale = counter_sale_create(user=operator, idempotency_key=uuid.uuid4(), mode="hand_over", items=[(eggs.pk, 1)])
    client.force_login(operator)
    response = client.get(reverse("shop:counter-sale-receipt-pdf", args=[sale.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_a_parcel_is_found_by_its_code_with_the_cash_due_shown_first(client, operator, waiting):
    client.force_login(operator)
    response = client.post(reverse("shop:counter-parcel-find"), {"find": waiting.pickup_code})
    page = response.content.decode()
    assert response.status_code == 200 and waiting.reference in page
    assert "¥25.00" in page and "data-due" in page


def test_a_parcel_is_found_by_the_residents_phone(client, operator, waiting):
    client.force_login(operator)
    response = client.post(reverse("shop:counter-parcel-find"), {"find": "139 1111 2222"})
    assert response.status_code == 200 and waiting.reference in response.content.decode()


def test_a_code_that_matches_nothing_is_refused_and_counted(client, operator, station, waiting):
    client.force_login(operator)
    wrong = f"{(int(waiting.pickup_code) + 1) % 10**6:06d}"
    response = client.post(reverse("shop:counter-parcel-find"), {"find": wrong})
    assert response.status_code == 422 and "data-found" not in response.content.decode()
    assert AuditEvent.objects.filter(action="order_part.code_not_found").count() == 1
    assert wrong not in str(AuditEvent.objects.filter(action="order_part.code_not_found").values("data"))
    assert code_misses_today(station=station) == 1


def test_a_wrong_code_at_hand_over_is_refused_and_counted_and_shown(client, operator, station, waiting):
    client.force_login(operator)
    wrong = f"{(int(waiting.pickup_code) + 1) % 10**6:06d}"
    response = client.post(reverse("shop:counter-parcel-hand-over", args=[waiting.pk]), {"code": wrong},
                           follow=True)
    waiting.refresh_from_db()
    assert waiting.status == Status.READY and waiting.pickup_failures == 1
    assert code_misses_today(station=station) == 1
    assert "1/5" in response.content.decode()


def test_the_right_code_hands_over_takes_the_cash_and_prints_a_receipt(client, operator, waiting):
    client.force_login(operator)
    response = client.post(reverse("shop:counter-parcel-hand-over", args=[waiting.pk]), {"code": waiting.pickup_code})
    assert response["Location"] == reverse("shop:counter-parcel-receipt", args=[waiting.pk])
    waiting.refresh_from_db()
    assert waiting.status == Status.COLLECTED and waiting.counter_sale_reference
    receipt = client.get(response["Location"]).content.decode()
    assert "土鸡蛋 × 2" in receipt and "¥25.00" in receipt and waiting.counter_sale_reference in receipt
    pdf = client.get(reverse("shop:counter-parcel-receipt-pdf", args=[waiting.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_parcel_not_handed_over_has_no_receipt_and_another_stations_is_a_404(
        client, operator, waiting, other_station, eggs):
    client.force_login(operator)
    assert client.get(reverse("shop:counter-parcel-receipt", args=[waiting.pk])).status_code == 404
    theirs = factories.order((eggs, 1), station=other_station).parts.get()
    assert client.get(reverse("shop:counter-parcel-receipt", args=[theirs.pk])).status_code == 404
