"""Oscar's dashboard is staff's: a merchant works in their own workspace (/merchant/, see
test_merchant_workspace.py); the dashboard's home sends them there and every other page refuses them."""

import pytest
from django.urls import reverse

from tests.shop import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def goods(merchant_a, merchant_b):
    return {"a": factories.product(merchant_a.partner, title="甲的鸡蛋", price="12.00"),
            "b": factories.product(merchant_b.partner, title="乙的大米", price="55.00")}


@pytest.fixture
def mixed_order(goods, station):
    """One resident's order with a line from each merchant."""
    return factories.order((goods["a"], 2), (goods["b"], 1), station=station)


def test_a_merchant_cannot_change_any_price_through_oscars_product_form(client, merchant_a_user, goods):
    client.force_login(merchant_a_user)
    for product in goods.values():
        stockrecord = product.stockrecords.get()
        response = client.post(reverse("dashboard:catalogue-product", args=[product.pk]), {
            "title": "改了", "stockrecords-TOTAL_FORMS": "1", "stockrecords-INITIAL_FORMS": "1",
            "stockrecords-0-id": stockrecord.pk, "stockrecords-0-price": "1.00",
            "stockrecords-0-partner": stockrecord.partner_id, "stockrecords-0-partner_sku": stockrecord.partner_sku,
            "stockrecords-0-num_in_stock": "1"})
        assert response.status_code == 403
        stockrecord.refresh_from_db()
        assert str(stockrecord.price) != "1.00"


@pytest.mark.parametrize("name", ["dashboard:order-list", "dashboard:order-stats", "dashboard:catalogue-product-list",
                                  "dashboard:partner-list", "dashboard:users-index", "dashboard:offer-list",
                                  "dashboard:catalogue-category-list", "dashboard:voucher-list"])
def test_a_merchant_is_kept_out_of_every_dashboard_page(client, merchant_a_user, name):
    client.force_login(merchant_a_user)
    assert client.get(reverse(name)).status_code == 403


def test_a_merchant_cannot_open_an_order_in_the_dashboard(client, merchant_a_user, mixed_order):
    client.force_login(merchant_a_user)
    assert client.get(reverse("dashboard:order-detail", args=[mixed_order.number])).status_code == 403


def test_staff_keep_oscars_full_order_page_without_its_broken_script_call(client, superuser, mixed_order):
    client.force_login(superuser)
    page = client.get(reverse("dashboard:order-detail", args=[mixed_order.number])).content.decode()
    assert "甲的鸡蛋" in page and "乙的大米" in page
    assert "initTabs()" in page and "initTable()" not in page


def test_residents_and_operators_cannot_enter_the_dashboard(client, resident, operator):
    for user in (resident, operator):
        client.force_login(user)
        assert client.get(reverse("dashboard:order-list")).status_code in (302, 403)
        assert client.get(reverse("dashboard:index")).status_code in (302, 403)
