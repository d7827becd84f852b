"""A merchant works in Oscar's dashboard on their own products, stock, prices and order lines only."""

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


def test_a_merchant_lists_and_opens_only_their_own_products(client, merchant_a_user, goods):
    client.force_login(merchant_a_user)
    listing = client.get(reverse("dashboard:catalogue-product-list")).content.decode()
    assert "甲的鸡蛋" in listing and "乙的大米" not in listing
    assert client.get(reverse("dashboard:catalogue-product", args=[goods["a"].pk])).status_code == 200
    assert client.get(reverse("dashboard:catalogue-product", args=[goods["b"].pk])).status_code in (403, 404)


def test_a_merchant_cannot_change_another_merchants_price_by_posting(client, merchant_a_user, goods):
    client.force_login(merchant_a_user)
    stockrecord = goods["b"].stockrecords.get()
    client.post(reverse("dashboard:catalogue-product", args=[goods["b"].pk]), {
        "title": "改了", "stockrecords-TOTAL_FORMS": "1", "stockrecords-INITIAL_FORMS": "1",
        "stockrecords-0-id": stockrecord.pk, "stockrecords-0-price": "1.00",
        "stockrecords-0-partner": stockrecord.partner_id, "stockrecords-0-partner_sku": stockrecord.partner_sku,
        "stockrecords-0-num_in_stock": "1"})
    stockrecord.refresh_from_db()
    goods["b"].refresh_from_db()
    assert str(stockrecord.price) == "55.00" and goods["b"].title == "乙的大米"


def test_the_order_list_shows_a_merchant_only_the_total_of_their_own_lines(client, merchant_a_user, mixed_order):
    client.force_login(merchant_a_user)
    page = client.get(reverse("dashboard:order-list")).content.decode()
    assert str(mixed_order.number) in page
    assert "24.00" in page            # 2 × 12.00: merchant A's lines
    assert "79.00" not in page        # the whole order, which includes merchant B's rice


def test_the_order_csv_gives_a_merchant_their_own_value(client, merchant_a_user, mixed_order):
    client.force_login(merchant_a_user)
    csv = client.get(reverse("dashboard:order-list"), {"response_format": "csv"}).content.decode("utf-8-sig")
    assert "24.00" in csv and "79.00" not in csv


def test_the_order_page_shows_a_merchant_only_their_lines(client, merchant_a_user, merchant_b_user, mixed_order):
    client.force_login(merchant_a_user)
    page = client.get(reverse("dashboard:order-detail", args=[mixed_order.number])).content.decode()
    assert "甲的鸡蛋" in page and "乙的大米" not in page
    assert "79.00" not in page
    client.force_login(merchant_b_user)
    page = client.get(reverse("dashboard:order-detail", args=[mixed_order.number])).content.decode()
    assert "乙的大米" in page and "甲的鸡蛋" not in page


def test_a_merchant_cannot_open_another_merchants_line_by_url(client, merchant_a_user, mixed_order):
    client.force_login(merchant_a_user)
    other_line = mixed_order.lines.get(title="乙的大米")
    url = reverse("dashboard:order-line-detail", args=[mixed_order.number, other_line.pk])
    assert client.get(url).status_code == 404
    own_line = mixed_order.lines.get(title="甲的鸡蛋")
    assert client.get(reverse("dashboard:order-line-detail", args=[mixed_order.number, own_line.pk])).status_code == 200


def test_a_merchant_cannot_open_an_order_without_their_lines(client, merchant_a_user, goods, station):
    only_b = factories.order((goods["b"], 1), station=station)
    client.force_login(merchant_a_user)
    assert client.get(reverse("dashboard:order-detail", args=[only_b.number])).status_code == 404


def test_a_merchant_cannot_take_oscar_order_wide_actions(client, merchant_a_user, mixed_order):
    client.force_login(merchant_a_user)
    url = reverse("dashboard:order-detail", args=[mixed_order.number])
    assert client.post(url, {"order_action": "save_note", "message": "偷看"}).status_code == 403
    line = mixed_order.lines.get(title="甲的鸡蛋")
    assert client.post(url, {"line_action": "create_payment_event", "selected_line": [line.pk],
                             f"selected_line_qty_{line.pk}": "1", "payment_event_type": "paid"}).status_code == 403
    assert not mixed_order.notes.exists()
    assert not mixed_order.payment_events.exists()
    address = reverse("dashboard:order-shipping-address", args=[mixed_order.number])
    assert client.get(address).status_code == 403


def test_order_statistics_count_only_the_merchants_own_revenue(client, merchant_a_user, mixed_order):
    client.force_login(merchant_a_user)
    response = client.get(reverse("dashboard:order-stats"))
    assert response.context["total_revenue"] == factories.Decimal("24.00")


def test_staff_keep_oscars_full_order_page(client, superuser, mixed_order):
    client.force_login(superuser)
    page = client.get(reverse("dashboard:order-detail", args=[mixed_order.number])).content.decode()
    assert "甲的鸡蛋" in page and "乙的大米" in page


@pytest.mark.parametrize("name", ["dashboard:partner-list", "dashboard:users-index", "dashboard:offer-list",
                                  "dashboard:catalogue-category-list", "dashboard:voucher-list"])
def test_a_merchant_is_kept_out_of_the_county_wide_dashboards(client, merchant_a_user, name):
    client.force_login(merchant_a_user)
    assert client.get(reverse(name)).status_code == 403


def test_residents_and_operators_cannot_enter_the_dashboard(client, resident, operator):
    for user in (resident, operator):
        client.force_login(user)
        assert client.get(reverse("dashboard:order-list")).status_code in (302, 403)


def test_a_merchants_dashboard_home_shows_their_waiting_parts_and_not_oscars_revenue(
        client, merchant_a_user, mixed_order):
    client.force_login(merchant_a_user)
    page = client.get(reverse("dashboard:index")).content.decode()
    assert f"{mixed_order.number}-" in page and reverse("shop:merchant-product-import") in page
    assert "79.00" not in page
