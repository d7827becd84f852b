"""Store pages come from the cache for every visitor, keyed by language; the personal parts (basket,
account, station, wish lists, history) are rendered into the shared page per visitor. A change forgets
only the pages that show it: an order forgets its products' pages, not the store."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
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
            again = Client().get(url)  # another visitor (this one now has a recently-viewed history)
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
        assert str(translation.gettext("Newest goods")) in english.content.decode()


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


@pytest.fixture
def millet(merchant_b):
    return factories.product(merchant_b.partner, title="乙的小米", price="8.00")


def _basket_total(page: str) -> bool:
    return "12.00" in page.split("data-basket-link", 1)[1].split("</a>", 1)[0]


def test_a_visitor_with_a_basket_gets_the_shared_page_with_their_own_basket(client, eggs, millet,
                                                                            django_assert_max_num_queries):
    url = reverse("catalogue:index")
    client.post(reverse("basket:add", args=[eggs.pk]), {"quantity": 1})
    client.get(url)  # the flash message of the addition: a fresh page
    client.get(url)  # the shared page is stored
    client.get(url)  # their mini-basket is rendered into it and kept
    with django_assert_max_num_queries(1):  # at most their session: the page and mini-basket are cached
        page = client.get(url)
    assert page[HEADER] == "hit" and _basket_total(page.content.decode())
    other = Client().get(url)
    assert other[HEADER] == "hit" and not _basket_total(other.content.decode())


def test_a_signed_in_resident_gets_the_shared_page_with_their_account_and_basket(client, eggs, millet, resident,
                                                                                django_assert_max_num_queries):
    url = eggs.get_absolute_url()
    Client().get(url)
    client.force_login(resident)
    client.post(reverse("basket:add", args=[eggs.pk]), {"quantity": 1})
    client.get(url)  # the flash message of the addition: a fresh page
    client.get(url)  # their regions are rendered into the shared page and kept
    with django_assert_max_num_queries(2):  # their session and user; the rest from the cache
        page = client.get(url)
    body = page.content.decode()
    assert page[HEADER] == "hit" and _basket_total(body)
    assert reverse("customer:order-list") in body and "__shop_csrf_token__" not in body
    assert reverse("customer:order-list") not in Client().get(url).content.decode()


def test_an_order_forgets_its_products_pages_and_the_lists_that_show_them_not_the_store(client, eggs, millet):
    pages = [reverse("catalogue:index"), eggs.get_absolute_url(), millet.get_absolute_url()]
    for url in pages:
        client.get(url)
    stockrecord = eggs.stockrecords.get()
    stockrecord.allocate(3)  # what placing an order does
    assert client.get(eggs.get_absolute_url())[HEADER] == "miss"
    assert client.get(reverse("catalogue:index"))[HEADER] == "miss"  # it shows the eggs
    assert client.get(millet.get_absolute_url())[HEADER] == "hit"


# Queries to render a page with the store cache off (what a page costs the first time after a change), by
# visitor: (list, product page). Oscar's views, templates, basket middleware and offers make most of them.
RENDER_QUERIES = {"anonymous": (14, 19), "with a basket": (24, 29), "signed in": (30, 41)}


@pytest.mark.parametrize("visitor", RENDER_QUERIES)
def test_rendering_a_store_page_takes_a_bounded_number_of_queries(client, eggs, millet, resident, visitor, settings,
                                                                  django_assert_max_num_queries):
    settings.SHOP_PAGE_CACHE = False
    if visitor == "signed in":
        client.force_login(resident)
    if visitor != "anonymous":
        client.post(reverse("basket:add", args=[eggs.pk]), {"quantity": 1})
        client.get("/")  # the flash message
    for url, most in zip((reverse("catalogue:index"), eggs.get_absolute_url()), RENDER_QUERIES[visitor], strict=True):
        client.get(url)  # the first visit opens a basket, makes thumbnails …
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200


def test_viewing_a_product_writes_nothing(client, eggs, resident, settings):
    """Oscar's analytics counted every view with an UPDATE (shop/apps.py disconnects it)."""
    from oscar.apps.analytics.models import ProductRecord

    settings.SHOP_PAGE_CACHE = False  # Oscar's view runs every time
    client.force_login(resident)
    client.get(eggs.get_absolute_url())  # opens the resident's basket, makes the thumbnails
    with CaptureQueriesContext(connection) as queries:
        for _ in range(2):
            assert client.get(eggs.get_absolute_url()).status_code == 200
    assert [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))] == []
    assert not ProductRecord.objects.exists()


def test_staff_get_a_fresh_page(client, eggs, superuser):
    client.force_login(superuser)
    client.get(eggs.get_absolute_url())
    assert HEADER not in client.get(eggs.get_absolute_url())


def test_a_personal_region_from_the_cache_carries_the_visitors_current_csrf_token(eggs, resident):
    import re

    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    url = eggs.get_absolute_url()
    for _ in range(3):  # the page, then the resident's add-to-basket form, are kept
        client.get(url)
    del client.cookies["csrftoken"]  # a new CSRF secret, as after signing in again
    page = client.get(url).content.decode()
    form = page.split("data-add-to-basket", 1)[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    added = client.post(reverse("basket:add", args=[eggs.pk]), {"quantity": 1, "csrfmiddlewaretoken": token})
    assert added.status_code == 302
