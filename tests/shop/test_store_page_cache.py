"""Store pages for anonymous visitors come from the cache, keyed by language and emptied by any
change to what they show; everyone with something personal on the page gets a fresh one."""

import pytest
from django.urls import reverse
from django.utils import translation

from shop.page_cache import HEADER, store_pages_changed
from shop.services.merchants import merchant_suspend
from tests.shop import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache(settings):
    middleware = "shop.page_cache.StorePageCacheMiddleware"
    if middleware not in settings.MIDDLEWARE:  # in config/settings/base.py; kept explicit for these tests
        at = settings.MIDDLEWARE.index("oscar.apps.basket.middleware.BasketMiddleware")
        settings.MIDDLEWARE = [*settings.MIDDLEWARE[:at], middleware, *settings.MIDDLEWARE[at:]]
    store_pages_changed()  # a new generation, not cache.clear(): the cache may be a shared Redis
    yield
    store_pages_changed()


@pytest.fixture
def eggs(merchant_a):
    return factories.product(merchant_a.partner, title="甲的鸡蛋", price="12.00")


def test_the_list_and_detail_pages_are_served_from_the_cache_the_second_time(client, eggs, django_assert_num_queries):
    for url in (reverse("catalogue:index"), eggs.get_absolute_url()):
        first = client.get(url)
        assert first.status_code == 200 and first[HEADER] == "miss"
        with django_assert_num_queries(0):
            again = client.get(url)
        assert again[HEADER] == "hit" and "甲的鸡蛋" in again.content.decode()


def test_each_visitor_gets_their_own_csrf_token_on_a_cached_page(client, eggs):
    client.get(eggs.get_absolute_url())
    page = client.get(eggs.get_absolute_url()).content.decode()
    assert "__shop_csrf_token__" not in page and 'name="csrfmiddlewaretoken" value="' in page
    assert "csrftoken" in client.cookies


def test_pages_are_kept_per_language(client, eggs, settings):
    url = reverse("catalogue:index")
    chinese = client.get(url).content
    assert client.get(url)[HEADER] == "hit"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url)
    assert english[HEADER] == "miss" and english.content != chinese
    assert client.get(url)[HEADER] == "hit"
    with translation.override("en"):
        assert str(translation.gettext("All products")) in english.content.decode()


def test_a_price_change_a_new_product_and_a_suspension_empty_the_cache(client, eggs, merchant_a, county_admin):
    url = reverse("catalogue:index")
    client.get(url)
    stockrecord = eggs.stockrecords.get()
    stockrecord.price = "13.50"
    stockrecord.save()
    page = client.get(url)
    assert page[HEADER] == "miss" and "13.50" in page.content.decode()
    factories.product(merchant_a.partner, title="甲的小米", price="8.00")
    assert "甲的小米" in client.get(url).content.decode()
    merchant_suspend(user=county_admin, merchant_id=merchant_a.pk, reason="抽检不合格")
    assert "甲的鸡蛋" not in client.get(url).content.decode()


def test_signed_in_residents_and_visitors_with_a_basket_get_a_fresh_page(client, eggs, resident):
    url = eggs.get_absolute_url()
    client.get(url)
    client.post(reverse("basket:add", args=[eggs.pk]), {"quantity": 1})
    assert HEADER not in client.get(url)  # the header shows their basket
    client.force_login(resident)
    assert HEADER not in client.get(reverse("catalogue:index"))
