"""Departments: who sees which, and the officer's workspace at /dept/."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse

from accounts.roles import Role
from gov_services.selectors import departments as selectors
from stations.scope import scope_for
from tests.factories import DepartmentFactory, DepartmentMembershipFactory, UserFactory, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments(tree, department):
    """County-wide `department`, one per township, and one in a neighbouring county."""
    return {
        "county": department,
        "town0": DepartmentFactory(region=tree["townships"][0], level="township"),
        "town1": DepartmentFactory(region=tree["townships"][1], level="township"),
        "elsewhere": DepartmentFactory(region=region("county", tree["city"])),
    }


def test_officer_sees_their_own_department_only(officer, departments):
    assert list(selectors.department_list(user=officer)) == [departments["county"]]


def test_officer_in_two_departments_sees_both(officer, departments):
    DepartmentMembershipFactory(department=departments["town1"], user=officer)
    assert list(selectors.department_list(user=officer)) == [departments["county"], departments["town1"]]


def test_county_admin_sees_departments_in_their_county(county_admin, departments):
    assert set(selectors.department_list(user=county_admin)) == {
        departments["county"], departments["town0"], departments["town1"]}


def test_township_admin_sees_only_departments_within_their_township(township_admin, departments):
    assert list(selectors.department_list(user=township_admin)) == [departments["town0"]]


def test_superuser_sees_every_department(superuser, departments):
    assert len(selectors.department_list(user=superuser)) == 4


def test_resident_and_station_staff_see_no_department(resident, operator, departments):
    assert list(selectors.department_list(user=resident)) == []
    assert list(selectors.department_list(user=operator)) == []


def test_anonymous_visitor_sees_no_department(departments):
    assert list(selectors.department_list(user=AnonymousUser())) == []


def test_department_list_is_one_query(county_admin, departments, django_assert_num_queries):
    scope_for(county_admin)  # once per request
    with django_assert_num_queries(1):  # the departments with their regions
        assert [d.region.name for d in selectors.department_list(user=county_admin)]


def test_access_department_by_id_in_scope(officer, township_admin, departments):
    assert selectors.access_department_by_id(user=officer, department_id=departments["county"].pk) \
        == departments["county"]
    assert selectors.access_department_by_id(user=township_admin, department_id=departments["town0"].pk) \
        == departments["town0"]


@pytest.mark.parametrize("who, which", [
    ("officer", "town0"), ("township_admin", "town1"), ("township_admin", "county"),
    ("county_admin", "elsewhere"), ("resident", "county"),
])
def test_access_department_by_id_outside_scope_is_not_found(request, who, which, departments):
    with pytest.raises(Http404):
        selectors.access_department_by_id(user=request.getfixturevalue(who), department_id=departments[which].pk)


def test_access_department_by_id_answers_an_unknown_id_alike(superuser):
    with pytest.raises(Http404):
        selectors.access_department_by_id(user=superuser, department_id=987654)


# --- /dept/ ---------------------------------------------------------------------------------------


def test_officer_sees_their_department_and_colleagues_at_dept(client, officer, department):
    head = UserFactory(roles=[Role.OFFICER], full_name="王科长")
    DepartmentMembershipFactory(department=department, user=head, is_head=True)
    DepartmentFactory(region=department.region, name="不相干局")
    client.force_login(officer)
    response = client.get(reverse("gov_services:dept-home"))
    assert response.status_code == 200
    (entry,) = response.context["departments"]
    assert entry["department"] == department
    assert [m.user for m in entry["members"]] == [head, officer]
    body = response.content.decode()
    assert department.name in body and "王科长" in body
    assert "不相干局" not in body


@pytest.mark.parametrize("who", ["resident", "county_admin", "operator"])
def test_dept_is_forbidden_to_non_members(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("gov_services:dept-home")).status_code == 403


def test_dept_sends_anonymous_visitors_to_login(client):
    response = client.get(reverse("gov_services:dept-home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
