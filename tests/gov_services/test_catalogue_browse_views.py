"""The catalogue screens at /county/catalogue/: access per role, the list (search, filters, paging, no N+1) and
the detail page. Create and edit are in test_catalogue_edit_views.py, import and export in
test_catalogue_import_export_views.py."""

import pytest

from tests.factories import ServiceItemFactory
from tests.gov_services.catalogue_screens import login, url

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------
# Access per role
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who, list_, detail, create, edit, import_", [
    ("county_admin", 200, 200, 200, 200, 200),
    ("township_admin", 200, 200, 403, 403, 403),
    ("officer", 200, 200, 403, 403, 403),
    ("operator", 403, 403, 403, 403, 403),
    ("resident", 403, 403, 403, 403, 403),
    ("superuser", 200, 200, 200, 200, 200),
])
def test_who_may_open_which_catalogue_screen(client, request, catalogue, who, list_, detail, create, edit,
                                             import_):
    login(client, request.getfixturevalue(who))
    pk = catalogue["hjzm"].pk
    assert client.get(url("service-item-list")).status_code == list_
    assert client.get(url("service-item-detail", pk)).status_code == detail
    assert client.get(url("service-item-create")).status_code == create
    assert client.get(url("service-item-update", pk)).status_code == edit
    assert client.get(url("catalogue-import")).status_code == import_


def test_anonymous_visitors_are_sent_to_sign_in(client, catalogue):
    for target in (url("service-item-list"), url("service-item-detail", catalogue["hjzm"].pk),
                   url("service-item-create"), url("catalogue-import"), url("catalogue-export", "csv")):
        response = client.get(target)
        assert response.status_code == 302 and "login" in response["Location"]


def test_another_countys_item_is_out_of_reach_even_for_a_county_admin(client, county_admin, catalogue):
    login(client, county_admin)
    pk = catalogue["elsewhere"].pk
    assert client.get(url("service-item-detail", pk)).status_code == 404
    assert client.get(url("service-item-update", pk)).status_code == 404
    assert client.post(url("service-item-update", pk), {"name": "x"}).status_code == 404
    catalogue["elsewhere"].refresh_from_db()
    assert catalogue["elsewhere"].name != "x"


def test_an_officer_sees_only_their_departments_items(client, officer, catalogue):
    login(client, officer)
    response = client.get(url("service-item-list"))
    assert [i.code for i in response.context["items"]] == ["HJ-001"]
    assert client.get(url("service-item-detail", catalogue["lamp"].pk)).status_code == 404


# ---------------------------------------------------------------------------------------------
# List
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("params, codes", [
    ({}, ["HJ-001", "LD-001"]),
    ({"q": "hjzm"}, ["HJ-001"]),
    ({"q": "户籍"}, ["HJ-001"]),
    ({"q": "ldwx"}, ["LD-001"]),
    ({"category": "convenience"}, ["LD-001"]),
    ({"online": "1"}, ["LD-001"]),
    ({"category": "no-such-thing"}, ["HJ-001", "LD-001"]),
    ({"department": "abc"}, ["HJ-001", "LD-001"]),
])
def test_the_list_searches_by_chinese_or_pinyin_and_filters(client, county_admin, catalogue, params, codes):
    response = login(client, county_admin).get(url("service-item-list"), params)
    assert response.status_code == 200
    assert [item.code for item in response.context["items"]] == codes


def test_the_list_filters_by_department_and_shows_fee_in_yuan(client, county_admin, catalogue):
    response = login(client, county_admin).get(url("service-item-list"),
                                               {"department": catalogue["hjzm"].department_id})
    assert [item.code for item in response.context["items"]] == ["HJ-001"]
    html = response.content.decode()
    assert "12.50" in html and url("service-item-detail", catalogue["hjzm"].pk) in html
    assert url("catalogue-export", "csv") in html and url("service-item-create") in html


def test_the_list_pages_through_a_large_catalogue(client, county_admin, department):
    ServiceItemFactory.create_batch(35, department=department)
    first = login(client, county_admin).get(url("service-item-list"))
    second = client.get(url("service-item-list"), {"page": 2})
    assert len(first.context["items"]) == 30 and len(second.context["items"]) == 5
    assert "?page=2" in first.content.decode()


def test_the_list_hides_edit_buttons_from_readers(client, township_admin, catalogue):
    html = login(client, township_admin).get(url("service-item-list")).content.decode()
    assert url("service-item-create") not in html and url("catalogue-import") not in html


# Savepoint pair (ATOMIC_REQUESTS), the scope (assignments, department and merchant posts, once a request),
# count, items with their departments, the departments for the filter. The session, the user, their roles
# and permissions come from the cache (cached_db sessions, accounts/user_cache.py).
LIST_QUERIES = 8


def _list_queries(client, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        assert client.get(url("service-item-list")).status_code == 200


def test_the_list_page_costs_the_same_queries_for_2_or_30_items(client, county_admin, catalogue, department,
                                                                 django_assert_num_queries):
    login(client, county_admin).get(url("service-item-list"))  # the first request keeps the user and roles in the cache (accounts/user_cache.py)
    _list_queries(client, django_assert_num_queries, LIST_QUERIES)
    ServiceItemFactory.create_batch(28, department=department)
    _list_queries(client, django_assert_num_queries, LIST_QUERIES)


# ---------------------------------------------------------------------------------------------
# Detail
# ---------------------------------------------------------------------------------------------

def test_the_detail_shows_facts_materials_and_a_preview_of_the_e_form(client, county_admin, catalogue):
    response = login(client, county_admin).get(url("service-item-detail", catalogue["hjzm"].pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "户籍证明" in html and "12.50" in html
    assert "身份证" in html and "户口簿" in html
    assert 'name="preview-purpose"' in html and "就业" in html
    assert "<fieldset disabled>" in html
    assert url("service-item-update", catalogue["hjzm"].pk) in html


def test_the_detail_offers_no_edit_link_to_an_officer(client, officer, catalogue):
    html = login(client, officer).get(url("service-item-detail", catalogue["hjzm"].pk)).content.decode()
    assert url("service-item-update", catalogue["hjzm"].pk) not in html


