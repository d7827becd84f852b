"""Roles are Django groups carrying exactly the permissions ROLE_PERMISSIONS names."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.roles import ROLE_PERMISSIONS, ROLE_WORKSPACES, Role
from accounts.services import role_groups_sync, user_role_grant
from core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _permission_names(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_after_migrate_every_role_has_a_group_with_exactly_its_permissions():
    for role in Role:
        group = Group.objects.get(name=role.value)
        assert _permission_names(group) == set(ROLE_PERMISSIONS[role]), role


def test_every_role_is_listed_in_role_permissions():
    assert set(ROLE_PERMISSIONS) == set(Role)


def test_every_staff_role_has_a_workspace():
    assert {role for role, _ in ROLE_WORKSPACES} == set(Role) - {Role.RESIDENT}


def test_role_groups_sync_takes_away_a_permission_added_by_hand():
    group = Group.objects.get(name=Role.OPERATOR.value)
    group.permissions.add(Permission.objects.get(content_type__app_label="stations", codename="delete_station"))
    role_groups_sync()
    assert _permission_names(group) == set(ROLE_PERMISSIONS[Role.OPERATOR])


def test_role_groups_sync_recreates_a_deleted_group():
    Group.objects.filter(name=Role.LIAISON.value).delete()
    role_groups_sync()
    assert _permission_names(Group.objects.get(name="liaison")) == set(ROLE_PERMISSIONS[Role.LIAISON])


def test_role_groups_sync_fails_loudly_on_a_permission_that_does_not_exist(monkeypatch):
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.RESIDENT, ["stations.fly_station"])
    with pytest.raises(Permission.DoesNotExist):
        role_groups_sync()


def test_role_group_permissions_reach_the_user():
    user = UserFactory(roles=[Role.LIAISON])
    assert user.has_perm("stations.add_household")
    assert not user.has_perm("stations.add_station")


def test_user_roles_are_the_role_codes_of_their_groups_only():
    user = UserFactory(roles=[Role.OPERATOR, Role.LIAISON])
    user.groups.add(Group.objects.create(name="volunteers"))
    assert user.roles == frozenset({"operator", "liaison"})
    assert user.has_role(Role.OPERATOR) and not user.has_role(Role.COUNTY_ADMIN)


def test_user_roles_cost_one_query_then_none(django_assert_num_queries):
    user = UserFactory(roles=[Role.MERCHANT])
    user = type(user).objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        assert user.roles == {"merchant"}
    with django_assert_num_queries(0):
        assert user.has_role(Role.MERCHANT)


def test_a_user_without_groups_has_no_roles():
    assert UserFactory().roles == frozenset()


def test_user_role_grant_adds_the_group_and_audits_it_with_the_actor():
    actor = UserFactory(roles=[Role.COUNTY_ADMIN])
    user = UserFactory()
    assert user.roles == frozenset()  # cached before the grant …
    user_role_grant(user=user, role=Role.OFFICER, actor=actor)
    assert user.roles == {"officer"}  # … and refreshed by it
    (event,) = AuditEvent.objects.all()
    assert (event.action, event.actor, event.target_id) == ("role.granted", actor, str(user.pk))
    assert event.data == {"role": "officer"}


def test_user_role_grant_is_idempotent():
    actor = UserFactory()
    user = UserFactory()
    user_role_grant(user=user, role=Role.MERCHANT, actor=actor)
    user_role_grant(user=user, role=Role.MERCHANT, actor=actor)
    assert list(user.groups.values_list("name", flat=True)) == ["merchant"]
    assert AuditEvent.objects.filter(action="role.granted").count() == 1


def test_user_role_grant_by_the_system_has_no_actor():
    user = UserFactory()
    user_role_grant(user=user, role=Role.RESIDENT, actor=None)
    assert AuditEvent.objects.get().actor is None
