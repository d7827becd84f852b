"""Generated sweep: NUL bytes and lone surrogates anywhere in a request get a clear 400, never a 500.

Every URL the resolver can build without arguments is asked, as every kind of user, with poisoned
query strings; every POST form those pages offer is sent back with a NUL in each field and in a file
name; the JSON API gets NULs and lone surrogates in its bodies. PostgreSQL is where this matters: it
refuses NUL in text, where SQLite stores it.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.roles import Role
from tests.core.sweep import plain_paths, post_forms
from tests.factories import StaffAssignmentFactory, UserFactory
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


@pytest.fixture
def sweep_clients(tree, station, operator, officer, county_admin, resident, superuser):
    township_admin = UserFactory(roles=[Role.TOWNSHIP_ADMIN])
    StaffAssignmentFactory(user=township_admin, role="township_admin", region=tree["townships"][0])
    merchant_user = UserFactory(roles=[Role.MERCHANT])
    shop_factories.merchant(townships=[tree["townships"][0]], user=merchant_user)
    clients = {"anonymous": Client(raise_request_exception=False)}
    for name, user in (("resident", resident), ("operator", operator), ("officer", officer),
                       ("township admin", township_admin), ("county admin", county_admin),
                       ("merchant", merchant_user), ("superuser", superuser)):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients[name] = client
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
def test_every_page_refuses_nul_and_surrogates_in_its_query_string_with_a_400(sweep_clients):
    answered, not_refused = [], []
    for who, client in sweep_clients.items():
        for path in plain_paths():
            for query in POISONED_QUERIES:
                response = client.get(f"{path}?{query}")
                answered.append((who, "GET", f"{path}?{query}", response.status_code))
                if response.status_code != 400:
                    not_refused.append(f"{who} GET {path}?{query} → {response.status_code}")
    assert _server_errors(answered) == []
    assert not_refused == []


@pytest.mark.django_db
def test_absurd_numbers_in_any_query_string_never_cause_a_server_error(sweep_clients):
    answered = []
    for who, client in sweep_clients.items():
        for path in plain_paths():
            response = client.get(f"{path}?{ABSURD_QUERY}")
            answered.append((who, "GET", path, response.status_code))
    assert _server_errors(answered) == []


def _crawled_forms(client, seen: set) -> list:
    """The POST forms of every page this client may open that no other client was given already (the
    language switcher is on every page), but sign-out: the sweep goes on signed in."""
    forms = []
    for path in plain_paths():
        page = client.get(path)
        if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
            continue
        for form in post_forms(page.content.decode(errors="replace"), path):
            key = (form.action, tuple(sorted(form.fields)), tuple(form.files))
            if "logout" not in form.action and key not in seen:
                seen.add(key)
                forms.append(form)
    return forms


@pytest.mark.django_db
def test_every_post_form_refuses_nul_with_a_400_and_absurd_numbers_without_a_server_error(sweep_clients):
    answered, not_refused, seen = [], [], set()
    for who, client in sweep_clients.items():
        for form in _crawled_forms(client, seen):
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
    assert len(seen) > 50  # the sweep reached the counter, department, county and store forms


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
