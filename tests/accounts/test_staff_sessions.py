"""Counter PCs are shared: staff sessions end with the browser and after STAFF_SESSION_IDLE_MINUTES idle,
and staff pages are never kept in a browser's cache. Residents keep a longer session."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from accounts.middleware import LAST_SEEN
from accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-1234-word"


def sign_in(client, user):
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def idle(client, minutes):
    session = client.session
    session[LAST_SEEN] -= minutes * 60
    session.save()


def test_a_staff_sign_in_gives_a_cookie_that_ends_with_the_browser(client, operator):
    cookie = sign_in(client, operator).cookies["sessionid"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""


def test_a_resident_keeps_a_session_that_outlives_the_browser(client, resident):
    cookie = sign_in(client, resident).cookies["sessionid"]
    assert int(cookie["max-age"]) >= 7 * 24 * 3600


def test_staff_are_signed_out_after_thirty_idle_minutes(client, operator, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 30  # the default (config/settings/security.py); tests run with a day
    sign_in(client, operator)
    idle(client, 31)
    response = client.get("/counter/")
    assert response.status_code == 302 and response.url.startswith("/login/")
    assert SESSION_KEY not in client.session
    page = client.get(response.url).content.decode()
    assert "30 分钟未操作" in page


def test_staff_who_keep_working_stay_signed_in(client, operator, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 30
    sign_in(client, operator)
    idle(client, 20)
    assert client.get("/counter/").status_code == 200
    idle(client, 20)  # forty minutes after signing in, twenty after the last page
    assert client.get("/counter/").status_code == 200


def test_the_idle_limit_comes_from_the_settings(client, operator, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 5
    sign_in(client, operator)
    idle(client, 6)
    assert client.get("/counter/").status_code == 302


def test_a_resident_idle_for_an_hour_is_still_signed_in(client, resident):
    sign_in(client, resident)
    session = client.session
    session[LAST_SEEN] = 0  # even a stale mark from an earlier staff role does not end it
    session.save()
    assert client.get("/me/requests/").status_code == 200


def test_merchants_count_as_staff(client):
    merchant = UserFactory(roles=[Role.MERCHANT])
    assert sign_in(client, merchant).cookies["sessionid"]["max-age"] == ""


@pytest.mark.parametrize("path", ["/counter/", "/county/", "/login/", "/services/"])
def test_every_page_a_staff_member_sees_is_no_store(client, operator, path):
    sign_in(client, operator)
    assert "no-store" in client.get(path)["Cache-Control"]


@pytest.mark.parametrize("path", ["/cms/login/", "/admin/login/", "/shop/dashboard/", "/county/", "/dept/", "/merchant/"])
def test_staff_pages_are_no_store_even_before_signing_in(path):
    assert "no-store" in Client().get(path).get("Cache-Control", "")


def test_public_pages_for_visitors_keep_their_caching(client):
    assert "no-store" not in client.get("/services/").get("Cache-Control", "")
