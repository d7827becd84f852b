"""The whole-page cache (core/page_cache.py): anonymous visitors get a stored page; publishing, or a
change to what a page shows from another app, empties it; signed-in people and flash messages bypass
it; every visitor gets their own CSRF token."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import info
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpResponse
from django.test import Client
from wagtail.models import PageViewRestriction

from core.page_cache import PageCacheMiddleware, mark_cacheable
from tests.factories import StationFactory, UserFactory
from tests.portal.factories import publish

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_second_anonymous_request_is_answered_from_the_cache(client, guide, django_assert_num_queries):
    first = client.get(guide.url)
    with django_assert_num_queries(0):
        second = Client().get(guide.url)

    assert first["X-Portal-Cache"] == "miss"
    assert second["X-Portal-Cache"] == "hit"
    assert second.content.decode().count(guide.title) == first.content.decode().count(guide.title)


def test_publishing_a_change_shows_it_at_once(client, guide):
    client.get(guide.url)
    guide.summary = "新的一句话说明"
    publish(guide)

    response = client.get(guide.url)

    assert response["X-Portal-Cache"] == "miss"
    assert "新的一句话说明" in response.content.decode()


def test_a_draft_does_not_change_the_public_page(client, guide):
    client.get(guide.url)
    guide.summary = "草稿里的说明"
    guide.save_revision()

    response = client.get(guide.url)

    assert "草稿里的说明" not in response.content.decode()


def test_unpublishing_removes_the_cached_page(client, guide):
    assert client.get(guide.url).status_code == 200
    guide.unpublish()

    assert client.get(guide.url).status_code == 404


def test_home_shows_a_newly_published_guide(client, home, guides, department):
    from tests.factories import ServiceItemFactory
    from tests.portal.factories import make_guide

    client.get("/")
    item = ServiceItemFactory(department=department, name="临时救助申请")
    make_guide(guides, item)

    assert "临时救助申请" in client.get("/").content.decode()


def test_station_directory_is_cached_and_refreshed_when_a_station_changes(client, tree):
    StationFactory(village=tree["villages"][0], name="甲村服务站")
    client.get("/stations/")
    assert client.get("/stations/")["X-Portal-Cache"] == "hit"

    StationFactory(village=tree["villages"][1], name="乙村服务站")

    assert "乙村服务站" in client.get("/stations/").content.decode()


def test_signed_in_people_always_get_a_fresh_page(client, guide):
    client.force_login(UserFactory())
    client.get(guide.url)

    assert "X-Portal-Cache" not in client.get(guide.url)


def _anonymous(request, message: str = ""):
    request.user, request.session = AnonymousUser(), {}
    request._messages = FallbackStorage(request)
    if message:
        info(request, message)
    return request


def test_a_page_with_a_waiting_message_is_not_served_from_or_stored_in_the_cache(rf, db):
    middleware = PageCacheMiddleware(lambda request: mark_cacheable(HttpResponse("第一次")))
    assert middleware(_anonymous(rf.get("/x/")))["X-Portal-Cache"] == "miss"

    with_message = middleware(_anonymous(rf.get("/x/"), "已保存"))
    assert "X-Portal-Cache" not in with_message  # not answered from the entry stored above

    other = PageCacheMiddleware(lambda request: mark_cacheable(HttpResponse("第二次")))
    assert other(_anonymous(rf.get("/y/"), "已保存")).content.decode() == "第二次"
    assert other(_anonymous(rf.get("/y/")))["X-Portal-Cache"] == "miss"  # nothing was stored for /y/


def test_each_visitor_gets_their_own_csrf_token_and_it_works(guide):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page_one = first.get(guide.url)
    page_two = second.get(guide.url)
    assert page_two["X-Portal-Cache"] == "hit"

    token_two = TOKEN.search(page_two.content.decode()).group(1)
    assert token_two != TOKEN.search(page_one.content.decode()).group(1)
    assert "csrftoken" in page_two.cookies
    switched = second.post("/i18n/setlang/", {"language": "en", "next": guide.url,
                                              "csrfmiddlewaretoken": token_two})
    assert switched.status_code == 302


def test_languages_are_cached_separately(client, guide):
    client.get(guide.url)
    client.cookies["django_language"] = "en"

    english = client.get(guide.url)

    assert english["X-Portal-Cache"] == "miss"
    assert 'lang="en"' in english.content.decode()


@pytest.mark.parametrize("restriction", [PageViewRestriction.LOGIN, PageViewRestriction.PASSWORD])
def test_private_pages_are_never_cached(client, guide, restriction):
    PageViewRestriction.objects.create(page=guide, restriction_type=restriction, password="secret")

    first = client.get(guide.url)
    second = client.get(guide.url)

    assert first.status_code in (200, 302) and "X-Portal-Cache" not in second


def _village_in(tree, township):
    return next(v for v in tree["villages"] if v.path.startswith(township.path))


def test_a_station_saved_in_one_township_keeps_the_other_townships_pages_and_the_guides(client, tree, guide):
    here, there = tree["townships"][0], tree["townships"][1]
    StationFactory(village=_village_in(tree, here), name="甲村服务站")
    pages = [f"/stations/?township={here.code}", guide.url, "/"]
    for url in pages:
        client.get(url)
        assert client.get(url)["X-Portal-Cache"] == "hit"

    StationFactory(village=_village_in(tree, there), name="乙村服务站")

    for url in pages:
        assert client.get(url)["X-Portal-Cache"] == "hit", url
    everything = client.get("/stations/")  # the unfiltered directory shows every station
    assert everything["X-Portal-Cache"] == "miss" and "乙村服务站" in everything.content.decode()
    there_page = client.get(f"/stations/?township={there.code}")
    assert "乙村服务站" in there_page.content.decode()


def test_a_station_moved_to_another_township_leaves_the_old_townships_directory(client, tree):
    here, there = tree["townships"][0], tree["townships"][1]
    station = StationFactory(village=_village_in(tree, here), name="甲村服务站")
    url = f"/stations/?township={here.code}"
    assert "甲村服务站" in client.get(url).content.decode()

    station.village = _village_in(tree, there)
    station.save()

    assert "甲村服务站" not in client.get(url).content.decode()


def test_editing_a_catalogue_item_refreshes_its_guide_and_not_the_station_directory(client, tree, guide, service_item):
    client.get(guide.url)
    client.get("/stations/")
    service_item.name = "户籍证明开具（新）"
    service_item.save()

    assert client.get("/stations/")["X-Portal-Cache"] == "hit"
    assert client.get(guide.url)["X-Portal-Cache"] == "miss"
