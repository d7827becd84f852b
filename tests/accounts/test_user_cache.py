"""A signed-in request takes its user and roles from the cache (accounts/user_cache.py), and every change to
the user — disabled, a new password, a role taken away, anonymised — holds on their very next request."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from accounts.retention import inactive_accounts_anonymise
from accounts.roles import Role
from accounts.services import user_role_revoke
from accounts.user_cache import _key, cached_user
from tests.accounts.test_staff_sessions import sign_in

pytestmark = pytest.mark.django_db

def _user_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [q["sql"] for q in queries
                      if 'FROM "accounts_user" WHERE "accounts_user"."id" = ' in q["sql"] or 'FROM "auth_group"' in q["sql"]]


def test_after_the_first_request_a_signed_in_page_reads_neither_the_user_nor_the_roles(client, operator):
    sign_in(client, operator)
    client.get("/counter/")
    response, queries = _user_queries(client, "/counter/")
    assert response.status_code == 200 and queries == []


def test_with_the_cache_off_every_request_reads_the_user(client, operator, settings):
    settings.USER_CACHE_SECONDS = 0
    sign_in(client, operator)
    client.get("/counter/")
    response, queries = _user_queries(client, "/counter/")
    assert response.status_code == 200 and queries


def test_a_disabled_account_is_signed_out_on_its_next_request(client, operator):
    sign_in(client, operator)
    assert client.get("/counter/").status_code == 200
    operator.is_active = False
    operator.save(update_fields=["is_active"])
    response = client.get("/counter/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_password_changed_elsewhere_ends_the_session(client, operator):
    sign_in(client, operator)
    assert client.get("/counter/").status_code == 200
    fresh = User.objects.get(pk=operator.pk)
    fresh.set_password("another-pass-5678")
    fresh.save()
    response = client.get("/counter/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_role_taken_away_holds_on_the_next_request(client, operator, superuser):
    sign_in(client, operator)
    assert client.get("/workspace/")["Location"] == "/counter/"
    user_role_revoke(user=operator, role=Role.OPERATOR, actor=superuser)
    assert client.get("/workspace/")["Location"] != "/counter/"


def test_a_role_taken_away_from_the_groups_side_is_forgotten_too(client, operator):
    from django.contrib.auth.models import Group

    sign_in(client, operator)
    client.get("/counter/")
    group = Group.objects.get(name=Role.OPERATOR)
    for change in (lambda: group.user_set.remove(operator), lambda: group.user_set.add(operator), group.user_set.clear):
        client.get("/counter/")
        assert cache.get(_key(operator.pk)) is not None
        change()
        assert cache.get(_key(operator.pk)) is None


def test_an_anonymised_account_is_forgotten(client, resident, settings):
    sign_in(client, resident)
    client.get("/me/requests/")
    assert cache.get(_key(resident.pk)) is not None
    User.objects.filter(pk=resident.pk).update(last_login=timezone.now() - datetime.timedelta(days=4 * 365))
    inactive_accounts_anonymise(timezone.now() - datetime.timedelta(days=3 * 365), dry_run=False)
    assert cache.get(_key(resident.pk)) is None
    response = client.get("/me/requests/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_old_row_cached_while_a_change_was_uncommitted_is_forgotten_at_commit(operator,
                                                                                  django_capture_on_commit_callbacks):
    def load(user_id):
        return User.objects.get(pk=user_id)

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        operator.is_active = False
        operator.save(update_fields=["is_active"])
        stale = User.objects.get(pk=operator.pk)
        stale.is_active = True  # what another request, reading before the commit, would have kept
        cache.set(_key(operator.pk), stale, 60)
    assert cache.get(_key(operator.pk)) is None
    assert cached_user(operator.pk, load).is_active is False


def test_a_user_who_may_not_sign_in_is_not_kept():
    assert cached_user(987654, lambda user_id: None) is None
    assert cache.get(_key(987654)) is None


def _load(pk):
    return User.objects.filter(pk=pk).first()


def test_the_permissions_are_kept_with_the_user_so_has_perm_reads_nothing(operator):
    cached_user(operator.pk, _load)
    with CaptureQueriesContext(connection) as queries:
        again = cached_user(operator.pk, _load)
        permissions = again.get_all_permissions()
        again.has_perm("core.view_auditevent")
    assert queries.captured_queries == []
    assert permissions and permissions == User.objects.get(pk=operator.pk).get_all_permissions()


def test_a_permission_given_or_taken_from_either_side_is_forgotten(operator):
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.get(name=Role.OPERATOR)
    permission = Permission.objects.get(codename="view_auditevent")
    changes = (lambda: group.permissions.add(permission), lambda: group.permissions.remove(permission),
               lambda: permission.group_set.add(group), permission.group_set.clear,
               lambda: operator.user_permissions.add(permission), operator.user_permissions.clear,
               lambda: permission.user_set.add(operator), permission.user_set.clear)
    for change in changes:
        cached_user(operator.pk, _load)
        assert cache.get(_key(operator.pk)) is not None
        change()
        assert cache.get(_key(operator.pk)) is None
    assert cached_user(operator.pk, _load).has_perm("core.view_auditevent") is False
