"""core.http: whole numbers from a request, and what pages answer to ids that are not ids."""

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from core.http import InvalidParameter, int_or_none, required_int


@pytest.mark.parametrize(("value", "expected"), [
    ("12", 12), (" 7 ", 7), ("9223372036854775807", 2**63 - 1),
    ("abc", None), ("", None), (None, None), ("²", None), ("١٢", None), ("1e5", None), ("12.0", None),
    ("0", None), ("-1", None), ("99999999999999999999", None), ("9" * 5000, None), (12, None),
])
def test_only_plain_whole_numbers_within_the_range_of_an_id_count(value, expected):
    assert int_or_none(value) == expected


def test_the_range_can_be_narrowed_or_opened_to_zero_and_negatives():
    assert int_or_none("2030", low=1900, high=2200) == 2030 and int_or_none("2300", low=1900, high=2200) is None
    assert int_or_none("-3", low=-10) == -3


def test_a_required_number_that_is_missing_or_bad_is_a_400_naming_the_field():
    with pytest.raises(InvalidParameter, match="approve"):
        required_int(QueryDict("approve=abc"), "approve")
    with pytest.raises(InvalidParameter):
        required_int(QueryDict(""), "approve")
    assert required_int(QueryDict("approve=5"), "approve") == 5


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "²", "1e5", "-1", "99999999999999999999"])
def test_approving_a_merchant_statement_by_a_bad_id_is_a_clear_400(county_admin, value):
    client = Client(raise_request_exception=False)
    client.force_login(county_admin)
    response = client.post(reverse("shop:county-merchant-statements"), {"approve": value, "month": "2025-01"})
    assert response.status_code == 400
    assert "“approve”不是有效的编号" in response.content.decode()


@pytest.mark.django_db
def test_approving_a_merchant_statement_that_does_not_exist_goes_back_with_an_error(county_admin):
    # The same answer as for another region's statement (tests/shop/test_statements.py).
    client = Client(raise_request_exception=False)
    client.force_login(county_admin)
    url = reverse("shop:county-merchant-statements")
    response = client.post(url, {"approve": "987654", "month": "2025-01"}, follow=True)
    assert response.redirect_chain == [(f"{url}?month=2025-01", 302)]
    assert "您的辖区内没有这张结算单。" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "99999999999999999999", "-1", "abc"])
def test_filters_given_bad_numbers_show_the_unfiltered_page(client, officer, department, county_admin, value):
    client.force_login(officer)
    assert client.get(reverse("gov_services:dept-home"), {"department": value}).status_code == 200
    client.force_login(county_admin)
    assert client.get(reverse("gov_services:service-item-list"), {"department": value}).status_code == 200
    assert client.get(reverse("reports:request-analytics"), {"minimum": value}).status_code == 200


@pytest.mark.django_db
def test_a_django_bad_request_uses_our_400_page_without_its_internal_message(settings):
    client = Client(raise_request_exception=False)
    response = client.get("/services/", HTTP_HOST="evil.example")  # DisallowedHost: a SuspiciousOperation
    assert response.status_code == 400
    page = response.content.decode()
    assert "cz-error-page" in page and "evil.example" not in page


@pytest.mark.django_db
def test_the_cms_choosers_and_bulk_actions_answer_ids_that_are_not_ids_with_a_400(superuser):
    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    for path in ("/cms/images/chooser/chosen-multiple/", "/cms/choose-page/chosen-multiple/",
                 "/cms/api/main/pages/find/", "/cms/bulk/wagtailimages/image/delete/"):
        assert client.get(path, {"id": "1e5"}).status_code == 400, path
    assert client.get("/cms/bulk/wagtailimages/image/delete/", {"id": "all"}).status_code not in (400, 500)
    assert client.get("/cms/images/chooser/chosen-multiple/", {"id": "7"}).status_code == 200
