"""The store's account area (shop/customer, shop/wishlists): a line's re-order, Oscar's sign-in and
account pages leading to ours, and the pages the store does not offer answering 404."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model
from oscar.test.factories import WishListFactory

from tests.factories import UserFactory
from tests.shop import factories

pytestmark = pytest.mark.django_db
WishList = get_model("wishlists", "WishList")


@pytest.fixture
def eggs(merchant_a):
    return factories.product(merchant_a.partner, title="甲的鸡蛋", price="12.00")


@pytest.fixture
def own_order(eggs, station, resident):
    return factories.order((eggs, 2), station=station, user=resident)


def _line_url(order):
    return reverse("customer:order-line", args=[order.number, order.lines.get().pk])


def test_a_line_is_re_ordered_into_the_basket_from_the_order_page(client, resident, own_order):
    client.force_login(resident)
    order_page = client.get(reverse("customer:order", args=[own_order.number])).content.decode()
    assert _line_url(own_order) in order_page
    response = client.post(_line_url(own_order), {"action": "reorder"})
    assert response.status_code == 302 and response.url == reverse("basket:summary")
    assert client.get(reverse("basket:summary")).context["basket"].num_items == 2


def test_a_line_has_no_page_of_its_own_and_an_unknown_action_goes_back_to_the_order(client, resident, own_order):
    client.force_login(resident)
    assert client.get(_line_url(own_order)).status_code == 405
    response = client.post(_line_url(own_order), {"action": "delete"})
    assert response.status_code == 302 and response.url == reverse("customer:order", args=[own_order.number])


def test_another_residents_line_and_a_missing_line_are_not_found(client, own_order):
    client.force_login(UserFactory())
    assert client.post(_line_url(own_order), {"action": "reorder"}).status_code == 404
    client.force_login(own_order.user)
    missing = reverse("customer:order-line", args=[own_order.number, 987654321])
    assert client.post(missing, {"action": "reorder"}).status_code == 404


@pytest.mark.parametrize("name, target", [
    ("customer:login", "accounts:login"),
    ("customer:register", "accounts:signup"),
])
def test_signing_in_and_up_at_the_store_lead_to_the_accounts_app_keeping_where_to_go_next(client, name, target):
    response = client.get(reverse(name), {"next": "/shop/basket/"})
    assert response.status_code == 302 and response.url == reverse(target) + "?next=%2Fshop%2Fbasket%2F"


@pytest.mark.parametrize("name, target", [
    ("customer:summary", "customer:order-list"),
    ("customer:change-password", "accounts:password-change"),
    ("customer:profile-view", "accounts:landing"),
    ("customer:profile-update", "accounts:landing"),
])
def test_the_store_s_account_pages_lead_a_resident_to_their_orders_or_to_the_accounts_app(
        client, resident, name, target):
    assert client.get(reverse(name)).url.startswith(reverse("accounts:login"))
    client.force_login(resident)
    assert client.get(reverse(name)).url == reverse(target)


@pytest.mark.parametrize("path", [
    "addresses/", "emails/", "notifications/", "notifications/inbox/", "alerts/", "wishlists/",
    "profile/delete/",
])
def test_oscar_s_other_account_pages_are_not_served(client, resident, path):
    client.force_login(resident)
    assert client.get(reverse("customer:order-list").replace("orders/", path)).status_code == 404


def test_a_wish_list_s_sharing_link_is_not_served(client, resident):
    wishlist = WishListFactory(owner=resident, visibility=WishList.PUBLIC)
    assert client.get(f"/shop/wishlists/{wishlist.key}/").status_code == 404
