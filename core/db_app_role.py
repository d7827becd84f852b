"""The PostgreSQL role the application runs as: what it may do to the tables, and nothing more.

The tables belong to the role that runs `migrate` (the owner). gunicorn and Celery connect as
another role that owns nothing and is not a superuser, so it cannot alter the schema, drop or
disable a trigger, or TRUNCATE; on top of the triggers (docs/database-invariants.md) it is not even
granted UPDATE or DELETE where the triggers refuse them. `app_role_grant` is run by the owner after
every migrate (scripts/run-production.sh does): it grants on the tables that exist now, and
ALTER DEFAULT PRIVILEGES grants on the tables the owner's later migrations create.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection as default_connection

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# Tables with a trigger calling these functions: cunzhan_forbid_change refuses UPDATE and DELETE
# (append-only), cunzhan_forbid_removal refuses DELETE (kept). Read from the database, so that the
# migrations stay the one place that says which tables they are.
_TABLES_WITH_TRIGGER = """
SELECT DISTINCT c.relname FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND NOT t.tgisinternal AND t.tgfoid = %s::regproc
ORDER BY c.relname
"""


class AppRoleRefused(ValueError):
    """The role named cannot be the application's role (it could alter what it must not)."""


@dataclass(frozen=True)
class AppRoleGrants:
    role: str
    tables: int
    append_only: list[str]
    kept: list[str]


def app_role_grant(*, role: str, connection=default_connection) -> AppRoleGrants:
    """Grant `role` SELECT, INSERT, UPDATE, DELETE on every table of the current schema but UPDATE and
    DELETE on append-only tables, DELETE on kept ones and any write to django_migrations; USAGE and
    SELECT on sequences; the same on what the current role creates later. Idempotent."""
    if connection.vendor != "postgresql":
        raise AppRoleRefused("Database roles exist on PostgreSQL only.")
    if not ROLE_NAME.match(role):
        raise AppRoleRefused(f"{role!r} is not a plain role name (lower-case letters, digits, underscores).")
    with connection.cursor() as cursor:
        _check_role(cursor, role)
        cursor.execute("SELECT current_database(), current_schema()")
        database, schema = cursor.fetchone()
        cursor.execute(_TABLES_WITH_TRIGGER, ["cunzhan_forbid_change"])
        append_only = [name for (name,) in cursor.fetchall()]
        cursor.execute(_TABLES_WITH_TRIGGER, ["cunzhan_forbid_removal"])
        kept = [name for (name,) in cursor.fetchall()]
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
        (tables,) = cursor.fetchone()
        quote = connection.ops.quote_name
        for statement in _grants(quote(role), quote(database), quote(schema), [quote(t) for t in append_only],
                                 [quote(t) for t in kept]):
            cursor.execute(statement)
    return AppRoleGrants(role=role, tables=tables, append_only=append_only, kept=kept)


def _check_role(cursor, role: str) -> None:
    cursor.execute("SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = %s", [role])
    found = cursor.fetchone()
    if found is None:
        raise AppRoleRefused(f"There is no role {role!r}; create it first (CREATE ROLE {role} LOGIN).")
    if any(found):
        raise AppRoleRefused(f"{role!r} may create roles or databases, or is a superuser: not for the application.")
    cursor.execute("SELECT current_user, pg_has_role(%s, current_user, 'MEMBER')", [role])
    owner, member = cursor.fetchone()
    if role == owner or member:
        raise AppRoleRefused(f"{role!r} is (or acts as) {owner!r}, who owns the tables: the application needs "
                             "a role of its own.")
    cursor.execute("SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = %s",
                   [role])
    if cursor.fetchone()[0]:
        raise AppRoleRefused(f"{role!r} owns tables or sequences: reassign them to the owner first "
                             f"(REASSIGN OWNED BY {role} TO {owner}).")


def _grants(role: str, database: str, schema: str, append_only: list[str], kept: list[str]) -> list[str]:
    statements = [
        f"GRANT CONNECT ON DATABASE {database} TO {role}",
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"REVOKE CREATE ON SCHEMA {schema} FROM {role}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {role}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]
    if append_only:
        statements.append(f"REVOKE UPDATE, DELETE ON {', '.join(append_only)} FROM {role}")
    if kept:
        statements.append(f"REVOKE DELETE ON {', '.join(kept)} FROM {role}")
    return statements
