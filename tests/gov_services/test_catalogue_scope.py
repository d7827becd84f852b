"""Catalogue selectors: the back-office scope per role (who sees, opens and edits which items, which departments
and counties they may import into)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from gov_services.catalogue import selectors
from stations.scope import scope_for
from tests.factories import DepartmentFactory, ServiceItemFactory, region, staff_user

# Messages are asserted by their English msgids (the english_messages fixture, conftest.py).
pytestmark = [pytest.mark.usefixtures("english_messages"), pytest.mark.django_db]


@pytest.fixture
def scoped(tree, department):
    """An item of the county bureau, of each township's centre and of a neighbouring county."""
    town0 = DepartmentFactory(region=tree["townships"][0], level="township")
    town1 = DepartmentFactory(region=tree["townships"][1], level="township")
    elsewhere = DepartmentFactory(region=region("county", tree["city"]))
    return {
        "county": ServiceItemFactory(department=department, code="A-1"),
        "town0": ServiceItemFactory(department=town0, code="A-2"),
        "town1": ServiceItemFactory(department=town1, code="A-3"),
        "elsewhere": ServiceItemFactory(department=elsewhere, code="A-4"),
    }


@pytest.mark.parametrize("who, visible", [
    ("superuser", {"county", "town0", "town1", "elsewhere"}),
    ("county_admin", {"county", "town0", "town1"}),
    ("township_admin", {"county", "town0", "town1"}),  # the whole county catalogue, read-only
    ("officer", {"county"}),
    ("operator", set()),
    ("resident", set()),
])
def test_each_role_sees_its_part_of_the_catalogue(request, scoped, who, visible):
    user = request.getfixturevalue(who)
    codes = {item.code for item in selectors.service_item_list_for_admin(user=user)}
    assert codes == {scoped[key].code for key in visible}


def test_an_officer_in_two_departments_sees_both(officer, scoped):
    from tests.factories import DepartmentMembershipFactory

    DepartmentMembershipFactory(user=officer, department=scoped["town1"].department)
    assert {i.code for i in selectors.service_item_list_for_admin(user=officer)} == {"A-1", "A-3"}


@pytest.mark.parametrize("who, key", [
    ("county_admin", "county"), ("county_admin", "town1"), ("township_admin", "county"), ("officer", "county"),
    ("superuser", "elsewhere"),
])
def test_access_service_item_by_id_within_scope(request, scoped, who, key):
    item = selectors.access_service_item_by_id(user=request.getfixturevalue(who), item_id=scoped[key].pk)
    assert item == scoped[key]


@pytest.mark.parametrize("who, key", [
    ("county_admin", "elsewhere"), ("township_admin", "elsewhere"), ("officer", "town0"), ("operator", "county"),
    ("resident", "county"),
])
def test_access_service_item_by_id_outside_scope_is_not_found(request, scoped, who, key):
    with pytest.raises(Http404):
        selectors.access_service_item_by_id(user=request.getfixturevalue(who), item_id=scoped[key].pk)


def test_access_service_item_by_id_answers_an_unknown_id_alike(superuser):
    with pytest.raises(Http404):
        selectors.access_service_item_by_id(user=superuser, item_id=987654)


@pytest.mark.parametrize("who, key, answer", [
    ("superuser", "elsewhere", None),
    ("county_admin", "county", None),
    ("county_admin", "town0", None),
    ("county_admin", "elsewhere", Http404),  # another county's item: not theirs
    ("township_admin", "town0", PermissionDenied),  # no one who edits the catalogue
    ("officer", "county", PermissionDenied),
    ("operator", "county", PermissionDenied),
])
def test_only_county_admins_of_the_county_may_edit(request, scoped, who, key, answer):
    user = request.getfixturevalue(who)
    if answer is None:
        assert selectors.access_service_item_for_edit(user=user, item_id=scoped[key].pk) == scoped[key]
        assert selectors.can_edit_service_item(user=user, item=scoped[key])
    else:
        with pytest.raises(answer):
            selectors.access_service_item_for_edit(user=user, item_id=scoped[key].pk)
        assert not selectors.can_edit_service_item(user=user, item=scoped[key])


def test_a_county_admin_without_the_change_permission_may_not_edit(tree, department):
    from django.contrib.auth.models import Group

    from accounts.roles import Role

    Group.objects.get(name=Role.COUNTY_ADMIN).permissions.remove(
        *Group.objects.get(name=Role.COUNTY_ADMIN).permissions.filter(codename="change_serviceitem"))
    admin = staff_user(Role.COUNTY_ADMIN, region=tree["county"])
    item = ServiceItemFactory(department=department)
    assert not admin.has_perm("gov_services.change_serviceitem")
    with pytest.raises(PermissionDenied):
        selectors.access_service_item_for_edit(user=admin, item_id=item.pk)


def test_editable_departments_and_import_counties_follow_the_edit_scope(tree, scoped, county_admin,
                                                                        township_admin, superuser):
    in_county = {scoped[k].department for k in ("county", "town0", "town1")}
    assert set(selectors.editable_department_list(user=county_admin)) == in_county
    assert not selectors.editable_department_list(user=township_admin).exists()
    assert list(selectors.import_county_list(user=county_admin)) == [tree["county"]]
    assert not selectors.import_county_list(user=township_admin).exists()
    assert selectors.import_county_list(user=superuser).count() == 2


def test_who_may_open_the_back_office_catalogue(county_admin, township_admin, officer, operator, resident,
                                                superuser):
    assert all(selectors.can_view_catalogue(user=u) for u in (county_admin, township_admin, officer, superuser))
    assert not any(selectors.can_view_catalogue(user=u) for u in (operator, resident))


def test_the_admin_list_is_one_query(scoped, county_admin, django_assert_num_queries):
    scope_for(county_admin)  # once per request
    with django_assert_num_queries(1):  # the items with their departments
        assert [i.department.name for i in selectors.service_item_list_for_admin(user=county_admin)]
