"""Generated sweep: NUL bytes and lone surrogates anywhere in a request get a clear 400, never a 500.

Every URL the resolver can build without arguments is asked, as every kind of user, with poisoned
query strings; every POST form those pages offer is sent back with a NUL in each field and in a file
name; the JSON API gets NULs and lone surrogates in its bodies. PostgreSQL is where this matters: it
refuses NUL in text, where SQLite stores it. The page and form sweeps are one test per kind of user,
so parallel workers share them out.
"""

import json
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.roles import Role
from tests.core.sweep import plain_paths, post_forms
from tests.factories import UserFactory, staff_user
from tests.shop import factories as shop_factories

# The names the views read (q, page, status, station, …) with a NUL; UTF-8-encoded surrogates and an
# overlong NUL, which are not UTF-8 at all.
POISONED_QUERIES = (
    "q=a%00b&page=%00&status=%00&station=%00&township=%00&month=%00&county=%00&department=%00&year=%00"
    "&code=%00&next=%00&reference=%00&on=%00&level=%00&within=%00&format=%00&show=%00&category=%00&%00=1",
    "q=%ED%A0%80&x=%ED%B0%80&page=%C0%80",
)
# Numbers a page cannot use: not digits, "²" (str.isdigit says yes, int() says no), beyond any id,
# negative, an exponent, impossible months and days.
ABSURD_QUERY = ("page=abc&station=99999999999999999999&department=-1&county=%C2%B2&year=99999999999999999999"
                "&months=abc&minimum=%C2%B2&id=1e5&township=-5&item=0&month=9999-99&on=99999-01-01&level=%C2%B2"
                "&within=99999999999999999999&bucket=%C2%B2&group=-1&width=1e999&show=-1")
ABSURD_VALUES = ("abc", "99999999999999999999", "-1", "²", "1e999999")
NUL = "x\x00y"
REFUSAL = "无法处理的字符"
# The kinds of user the sweeps ask as: the keys of sweep_clients and the ids of the tests run once per kind.
ROLES = ("anonymous", "resident", "operator", "officer", "township_admin", "county_admin", "merchant", "superuser")
every_role = pytest.mark.parametrize("who", ROLES)
# Where each kind of user works: its crawl must reach a POST form there, or it missed that user's pages.
FORMS_REACHED = {
    "anonymous": "/track/",
    "resident": "/reports/new/",
    "operator": "/counter/",
    "officer": "/dept/",
    "township_admin": "/care/",
    "county_admin": "/county/setup/",
    "merchant": "/merchant/products/",
    "superuser": "/admin/",
}
# Forms (by action) that every kind of user, or every signed-in one, is offered: the language switcher on
# every page, the sign-in and public service pages, one's own account pages. Each is swept as the kind of
# user named here, which must be offered it, and left out for the others, as the sweep of all kinds in one
# test left out the forms an earlier kind had been given, without sharing state between tests.
SWEPT_AS = {action: "anonymous" for action in (
    "/i18n/setlang/", "/login/", "/signup/", "/_util/login/", "/admin/login/", "/cms/login/",
    "/shop/dashboard/login/", "/password/reset/", "/cms/password_reset/", "/track/", "/verify/",
    "/shop/my-station/", "/merchants/apply/")} | {
    action: "resident" for action in ("/me/data/", "/reports/new/", "/password/change/", "/two-factor/setup/")}


@pytest.fixture
def sweep_clients(tree, station, operator, officer, county_admin, resident, superuser):
    township_admin = staff_user(Role.TOWNSHIP_ADMIN, region=tree["townships"][0])
    merchant_user = UserFactory(roles=[Role.MERCHANT])
    shop_factories.merchant(townships=[tree["townships"][0]], user=merchant_user)
    clients = {"anonymous": Client(raise_request_exception=False)}
    for name, user in (("resident", resident), ("operator", operator), ("officer", officer),
                       ("township_admin", township_admin), ("county_admin", county_admin),
                       ("merchant", merchant_user), ("superuser", superuser)):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients[name] = client
    assert tuple(clients) == ROLES
    return clients


def _server_errors(responses):
    return [f"{who} {method} {url} → {status}" for who, method, url, status in responses if status >= 500]


def test_the_sweep_covers_the_whole_project():
    paths = plain_paths()
    for expected in ("/shop/search/", "/services/", "/api/stations/", "/api/requests/", "/counter/till/close/",
                     "/county/shop/delivery-fees/", "/cms/", "/admin/", "/shop/dashboard/", "/"):
        assert expected in paths
    assert len(paths) > 300


@pytest.mark.django_db
@every_role
def test_every_page_refuses_nul_and_surrogates_in_its_query_string_with_a_400(sweep_clients, who):
    client, answered, not_refused = sweep_clients[who], [], []
    for path in plain_paths():
        for query in POISONED_QUERIES:
            response = client.get(f"{path}?{query}")
            answered.append((who, "GET", f"{path}?{query}", response.status_code))
            if response.status_code != 400:
                not_refused.append(f"{who} GET {path}?{query} → {response.status_code}")
    assert _server_errors(answered) == []
    assert not_refused == []


def _sends_to_sign_in(response) -> bool:
    return response.status_code == 302 and urlsplit(response["Location"]).path.endswith("/login/")


def _crawled_forms(who, client, answered: list) -> list:
    """The POST forms of every page this client may open, each form once, but sign-out (the sweep goes on
    signed in) and the forms SWEPT_AS gives to another kind of user. Every page is asked once with
    ABSURD_QUERY (its answer goes to `answered`) and its forms are read from that answer; a page the absurd
    query turned away (a list's 404 for page=abc, the admin's redirect for a filter it does not know, a
    403) is asked again without it, unless it sent the user to sign in: that it does for any query."""
    forms, seen = [], set()
    for path in plain_paths():
        page = client.get(f"{path}?{ABSURD_QUERY}")
        answered.append((who, "GET", f"{path}?{ABSURD_QUERY}", page.status_code))
        if page.status_code != 200 and not _sends_to_sign_in(page):
            page = client.get(path)
            answered.append((who, "GET", path, page.status_code))
        if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
            continue
        for form in post_forms(page.content.decode(errors="replace"), path):
            form.action = form.action.removesuffix(f"?{ABSURD_QUERY}")  # a form posting back to the URL asked
            key = (form.action, tuple(sorted(form.fields)), tuple(form.files))
            if "logout" not in form.action and SWEPT_AS.get(form.action, who) == who and key not in seen:
                seen.add(key)
                forms.append(form)
    return forms


@pytest.mark.django_db
@every_role
def test_every_page_and_post_form_takes_absurd_numbers_without_a_server_error_and_refuses_nul_with_a_400(
        sweep_clients, who):
    """The absurd-numbers sweep of query strings and the POST-form sweep, in one crawl: every page is asked
    with ABSURD_QUERY, which must not cause a 5xx, and the forms it offers are sent back with a NUL in each
    field (a 400), a NUL in a file's name and absurd numbers in every field (no 5xx)."""
    client, answered, not_refused = sweep_clients[who], [], []
    forms = _crawled_forms(who, client, answered)
    for form in forms:
        for poisoned in form.fields:
            status = client.post(form.action, {**form.fields, poisoned: NUL}).status_code
            answered.append((who, "POST", f"{form.action} [{poisoned}]", status))
            if status != 400:
                not_refused.append(f"{who} POST {form.action} [{poisoned}] → {status}")
        for file_field in form.files:  # Django's parser drops the NUL from a file's name: no 400 needed
            data = {**form.fields, file_field: SimpleUploadedFile("scan\x00.png", b"\x89PNG\r\n\x1a\n")}
            answered.append((who, "POST", f"{form.action} [{file_field}]", client.post(form.action, data).status_code))
        for value in ABSURD_VALUES:
            data = {name: value for name in form.fields if name != "csrfmiddlewaretoken"}
            answered.append((who, "POST", f"{form.action} = {value}", client.post(form.action, data).status_code))
    assert _server_errors(answered) == []
    assert not_refused == []
    # The crawl reached this user's own pages: the counter, department, county, store or admin forms; and
    # the forms left to this kind of user by SWEPT_AS.
    actions = {form.action for form in forms}
    assert any(action.startswith(FORMS_REACHED[who]) for action in actions), sorted(actions)
    assert {action for action, swept_as in SWEPT_AS.items() if swept_as == who} <= actions


@pytest.mark.django_db
@pytest.mark.parametrize("body", [
    {"applicant_name": "张\u0000三"},
    {"form_data": {"purpose": "\ud800"}},
    {"\u0000key": "value"},
    {"list": ["ok", {"deep": "\udfff"}]},
])
def test_every_api_endpoint_refuses_nul_and_surrogates_in_json_with_a_json_400(sweep_clients, body):
    raw = json.dumps(body)  # ASCII escapes: \u0000, \ud800 — what a JSON client sends
    for who, client in sweep_clients.items():
        for path in [p for p in plain_paths() if p.startswith("/api/")]:
            response = client.post(path, raw, content_type="application/json",
                                   HTTP_AUTHORIZATION="Bearer not-a-key")
            assert response.status_code == 400, (who, path, response.status_code)
            answer = response.json()
            assert REFUSAL in answer["message"] and answer["errors"]


@pytest.mark.django_db
def test_raw_utf8_surrogate_bytes_in_a_json_body_are_refused_too(client):
    # json.loads decodes bytes with "surrogatepass": ED A0 80 becomes a lone surrogate.
    response = client.post("/api/requests/", b'{"applicant_name": "\xed\xa0\x80"}', content_type="application/json")
    assert response.status_code == 400 and REFUSAL in response.json()["message"]


@pytest.mark.django_db
def test_the_refusal_page_says_what_is_wrong_in_chinese_and_in_our_own_style(client):
    response = client.get("/shop/search/?q=%00")
    assert response.status_code == 400
    page = response.content.decode()
    assert REFUSAL in page and "cz-error-page" in page and 'lang="zh-hans"' in page


@pytest.mark.django_db
def test_the_refusal_page_follows_the_visitors_language(client):
    response = client.get("/services/?q=%00", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "characters that cannot be processed" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["code=%00&phone_last4=1234", "code=%ED%A0%80", "%00=1", "code=a%C0%80"])
def test_a_urlencoded_form_with_a_nul_or_broken_utf8_is_refused(client, body):
    response = client.post("/track/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and REFUSAL in response.content.decode()


@pytest.mark.django_db
def test_a_nul_in_the_path_is_refused(client):
    assert client.get("/abc%00def/").status_code == 400


@pytest.mark.django_db
def test_a_poisoned_session_cookie_is_dropped_rather_than_looked_up(client, settings):
    client.cookies[settings.SESSION_COOKIE_NAME] = "abcdefgh\x00ijkl"
    assert client.get("/services/").status_code == 200


@pytest.mark.django_db
def test_ordinary_chinese_text_and_emoji_pass_untouched(client):
    assert client.get("/services/?q=户籍证明🙂").status_code == 200
