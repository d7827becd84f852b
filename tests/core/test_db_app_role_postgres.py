"""The application's database role is granted only to a role that could not alter what it must not
(core/db_app_role.py); what the granted role may and may not do: tests/agency/test_database_invariants_postgres.py."""

from uuid import uuid4

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core.db_app_role import AppRoleRefused, app_role_grant

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _role(options: str = "NOLOGIN") -> str:
    role = f"cz_test_role_{uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} {options}")
    return role


def test_a_superuser_the_owner_or_a_role_acting_as_the_owner_is_refused():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
    member = _role()
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT {owner} TO {member}")
    for role, reason in ((_role("SUPERUSER"), "superuser"), (_role("CREATEROLE"), "create roles"), (owner, "superuser"),
                         (member, "owns the tables"), ("cz_no_such_role", "no role"), ("Robert'); DROP", "plain")):
        with pytest.raises(AppRoleRefused, match=reason):
            app_role_grant(role=role)


def test_a_role_owning_a_table_is_refused():
    role = _role()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE cz_owned (id integer); ALTER TABLE cz_owned OWNER TO {role}")
    with pytest.raises(AppRoleRefused, match="owns tables"):
        app_role_grant(role=role)


def test_the_command_grants_and_says_what_it_granted(capsys):
    role = _role()
    call_command("db_grant_app_role", role)
    said = capsys.readouterr().out
    assert said.startswith(f"{role}: SELECT, INSERT, UPDATE, DELETE on ") and "append-only" in said
    with connection.cursor() as cursor:
        cursor.execute("SELECT has_table_privilege(%s, 'agency_journal', 'INSERT'), "
                       "has_table_privilege(%s, 'agency_journal', 'UPDATE'), "
                       "has_table_privilege(%s, 'agency_countertransaction', 'DELETE'), "
                       "has_table_privilege(%s, 'agency_countertransaction', 'UPDATE'), "
                       "has_table_privilege(%s, 'stations_station', 'TRUNCATE')", [role] * 5)
        assert cursor.fetchone() == (True, False, False, True, False)
    with pytest.raises(CommandError, match="no role"):
        call_command("db_grant_app_role", "cz_no_such_role")
