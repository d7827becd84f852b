"""One sign-in page for everyone; each person lands in their own workspace."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from accounts.forms import StaffAuthenticationForm
from accounts.roles import Role
from tests.factories import DepartmentFactory, DepartmentMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-1234-word"  # what UserFactory sets
LOGIN = "/login/"


def _sign_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN + extra.pop("query", ""), {"username": username, "password": password, **extra})


def test_login_url_is_slash_login():
    assert reverse("accounts:login") == LOGIN


def test_login_page_shows_the_form(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()
    assert 'name="password"' in response.content.decode()


def test_operator_lands_at_the_counter(client, operator):
    response = _sign_in(client, operator.username)
    assert response.status_code == 302
    assert response.url == reverse("stations:counter-home") == "/counter/"
    assert client.session[SESSION_KEY] == str(operator.pk)


def test_liaison_lands_at_the_counter(client, liaison):
    assert _sign_in(client, liaison.username).url == reverse("stations:counter-home")


def test_county_admin_lands_in_the_county_office(client, county_admin):
    response = _sign_in(client, county_admin.username)
    assert response.status_code == 302
    assert response.url == reverse("stations:county-home") == "/county/"


def test_township_admin_lands_in_the_county_office(client, township_admin):
    assert _sign_in(client, township_admin.username).url == reverse("stations:county-home")


def test_department_officer_lands_at_their_department(client, tree):
    officer = UserFactory(roles=[Role.OFFICER])
    DepartmentMembershipFactory(department=DepartmentFactory(region=tree["county"]), user=officer)
    response = _sign_in(client, officer.username)
    assert response.url == reverse("gov_services:dept-home") == "/dept/"


def test_merchant_lands_in_their_workspace(client):
    merchant = UserFactory(roles=[Role.MERCHANT])
    assert _sign_in(client, merchant.username).url == reverse("shop:merchant-home")


def test_plain_resident_lands_in_their_customer_account(client, resident):
    assert _sign_in(client, resident.username).url == reverse("gov_services:resident-service-request-list")


def test_superuser_without_roles_lands_in_the_county_office(client, superuser):
    assert _sign_in(client, superuser.username).url == reverse("stations:county-home")


def test_the_most_senior_role_decides_the_workspace(client, county_admin):
    county_admin.groups.add(*Group.objects.filter(name__in=[Role.OPERATOR, Role.MERCHANT]))
    assert _sign_in(client, county_admin.username).url == reverse("stations:county-home")


def test_a_safe_next_page_is_honoured(client, county_admin):
    target = reverse("stations:station-list") + "?status=open"
    response = _sign_in(client, county_admin.username, next=target)
    assert response.url == target


@pytest.mark.parametrize("next_url", ["https://evil.example.com/county/", "//evil.example.com/", "http:evil.example.com"])
def test_an_off_site_next_page_is_ignored(client, operator, next_url):
    response = _sign_in(client, operator.username, next=next_url)
    assert response.url == reverse("stations:counter-home")


def test_next_in_the_query_string_is_honoured_too(client, operator):
    response = _sign_in(client, operator.username, query="?next=/counter/%3Ftab%3Dgrids")
    assert response.url == "/counter/?tab=grids"


def test_wrong_password_shows_the_error_in_chinese_and_signs_nobody_in(client, operator):
    response = _sign_in(client, operator.username, password="wrong-password")
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    errors = response.context["form"].errors.as_data()["__all__"]
    assert [e.code for e in errors] == ["invalid_login"]
    with translation.override("zh-hans"):
        expected = str(StaffAuthenticationForm.error_messages["invalid_login"])
    assert expected in response.content.decode()
    english = "The username or password is wrong."
    if not expected.startswith(english):  # the zh-hans catalogue is compiled
        assert english not in response.content.decode()


def test_sign_in_with_a_mobile_number(client, operator):
    operator.phone = "13812345678"
    operator.save()
    response = _sign_in(client, "13812345678")
    assert response.status_code == 302
    assert response.url == reverse("stations:counter-home")
    assert client.session[SESSION_KEY] == str(operator.pk)


def test_a_mobile_number_with_the_wrong_password_is_refused(client, operator):
    operator.phone = "13812345678"
    operator.save()
    response = _sign_in(client, "13812345678", password="wrong-password")
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_sign_in_with_an_email_address(client, resident):
    assert _sign_in(client, resident.email).url == reverse("gov_services:resident-service-request-list")


def test_an_inactive_user_is_refused(client, operator):
    operator.is_active = False
    operator.save()
    response = _sign_in(client, operator.username)
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert response.context["form"].errors


def test_an_inactive_user_is_refused_by_phone_too(client, operator):
    operator.phone = "13812345678"
    operator.is_active = False
    operator.save()
    response = _sign_in(client, "13812345678")
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_a_signed_in_user_visiting_login_goes_to_their_workspace(client, operator):
    client.force_login(operator)
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response.url == reverse("stations:counter-home")


def test_logout_by_post_ends_the_session(client, operator):
    client.force_login(operator)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_logout_by_get_is_not_allowed(client, operator):
    client.force_login(operator)
    response = client.get(reverse("accounts:logout"))
    assert response.status_code == 405
    assert client.session[SESSION_KEY] == str(operator.pk)


def test_workspace_sends_anonymous_visitors_to_login(client):
    response = client.get(reverse("accounts:landing"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")


def test_workspace_sends_a_signed_in_user_to_their_own_workspace(client, township_admin):
    client.force_login(township_admin)
    response = client.get(reverse("accounts:landing"))
    assert response.url == reverse("stations:county-home")
