#!/usr/bin/env bash
# The PostgreSQL roles of a Cunzhan database, made (or put right) idempotently; run as a superuser.
#
#   DB_OWNER    (default cunzhan)      owns the database, its schema and every table, view, sequence
#                                      and function in it; `manage.py migrate` runs as this role.
#   DB_APP_ROLE (default cunzhan_app)  what gunicorn and Celery connect as: not a superuser, may not
#                                      create roles or databases, owns nothing, is not the owner's
#                                      member. So it cannot alter the schema, drop or disable a trigger,
#                                      or TRUNCATE; what it may do to the tables the owner grants after
#                                      every migrate (`manage.py db_grant_app_role`, core/db_app_role.py).
#
# Also: DB_NAME (cunzhan), DB_HOST (127.0.0.1), DB_PORT (5432), DB_SUPERUSER (postgres), and
# DB_OWNER_PASSWORD / DB_APP_PASSWORD to set passwords (the local cluster trusts 127.0.0.1).
# A database migrated before these roles existed (as the superuser) has its objects handed to the owner.
set -euo pipefail

DB_NAME="${DB_NAME:-cunzhan}"
DB_OWNER="${DB_OWNER:-cunzhan}"
DB_APP_ROLE="${DB_APP_ROLE:-cunzhan_app}"
SUPERUSER_URL="postgres://${DB_SUPERUSER:-postgres}@${DB_HOST:-127.0.0.1}:${DB_PORT:-5432}"

psql_as_superuser() {  # database, then psql arguments
    local database="$1"
    shift
    psql "$SUPERUSER_URL/$database" -X -q -v ON_ERROR_STOP=1 -v owner="$DB_OWNER" -v app="$DB_APP_ROLE" \
        -v db="$DB_NAME" -v owner_password="${DB_OWNER_PASSWORD:-}" -v app_password="${DB_APP_PASSWORD:-}" "$@"
}

psql_as_superuser postgres <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'owner') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner')
\gexec
SELECT format('CREATE ROLE %I LOGIN', :'app') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app')
\gexec
ALTER ROLE :"owner" LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOREPLICATION NOBYPASSRLS;
ALTER ROLE :"app" LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOREPLICATION NOBYPASSRLS NOINHERIT;
SELECT format('REVOKE %I FROM %I', :'owner', :'app') WHERE pg_has_role(:'app', :'owner', 'MEMBER')
\gexec
SELECT format('ALTER ROLE %I PASSWORD %L', :'owner', :'owner_password') WHERE :'owner_password' <> ''
\gexec
SELECT format('ALTER ROLE %I PASSWORD %L', :'app', :'app_password') WHERE :'app_password' <> ''
\gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')
\gexec
ALTER DATABASE :"db" OWNER TO :"owner";
-- Only the roles granted CONNECT (the app role, by db_grant_app_role) and the owner connect.
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
SQL

psql_as_superuser "$DB_NAME" <<'SQL'
ALTER SCHEMA public OWNER TO :"owner";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;  -- PostgreSQL before 15 lets every role create tables there
SELECT format('ALTER %s %I OWNER TO %I',
              CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                             ELSE 'TABLE' END, c.relname, :'owner')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND pg_get_userbyid(c.relowner) <> :'owner'
  -- a sequence that belongs to a table's column moves with its table
  AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
ORDER BY c.relkind DESC
\gexec
SELECT format('ALTER FUNCTION %s OWNER TO %I', p.oid::regprocedure, :'owner')
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> :'owner'
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
\gexec
SQL
echo "PostgreSQL roles: $DB_OWNER owns database $DB_NAME; $DB_APP_ROLE is the application's role."
