"""The customer's account pages forked from Oscar (shop/customer, shop/wishlists): a line's re-order,
the notifications redirect, and wish lists answering 404 to whoever may not see them."""

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


def test_the_notifications_address_leads_to_the_inbox_under_the_store_and_asks_visitors_to_sign_in(
        client, resident):
    url = reverse("customer:summary") + "notifications/"
    assert client.get(url).url.startswith(reverse("accounts:login"))
    client.force_login(resident)
    assert client.get(url).url == reverse("customer:notifications-inbox")


def test_a_wish_list_s_own_page_asks_visitors_to_sign_in(client, resident):
    wishlist = WishListFactory(owner=resident)
    response = client.get(reverse("customer:wishlists-detail", args=[wishlist.key]))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("visibility, signed_in, expected", [
    (WishList.PRIVATE, True, 404),  # Oscar: 403, which tells a list is there
    (WishList.PRIVATE, False, 404),
    (WishList.SHARED, True, 404),  # not shared with this account
    (WishList.SHARED, False, 302),  # sign in: it may be shared with theirs
    (WishList.PUBLIC, False, 200),
])
def test_a_wish_list_s_sharing_link_is_not_found_by_whoever_may_not_see_it(
        client, resident, visibility, signed_in, expected):
    wishlist = WishListFactory(owner=resident, visibility=visibility)
    if signed_in:
        client.force_login(UserFactory())
    assert client.get(reverse("wishlists:detail", args=[wishlist.key])).status_code == expected
