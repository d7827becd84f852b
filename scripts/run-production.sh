#!/usr/bin/env bash
# The production shape on one machine: gunicorn + Celery worker + Celery beat, sharing
# nothing but PostgreSQL and Redis. Ctrl-C stops all three.
#
# Two database roles (scripts/database-roles.sh makes them, idempotently, as the superuser):
# migrations run as the owner of the tables (MIGRATE_DATABASE_URL), which then grants the
# application's role what the code needs (manage.py db_grant_app_role); gunicorn and Celery
# connect as that role (DATABASE_URL), which is no superuser, owns nothing and may not TRUNCATE,
# alter the schema or touch a trigger (docs/database-invariants.md).
set -euo pipefail
cd "$(dirname "$0")/.."

export DB_NAME="${DB_NAME:-cunzhan}" DB_OWNER="${DB_OWNER:-cunzhan}" DB_APP_ROLE="${DB_APP_ROLE:-cunzhan_app}"
DB_AT="${DB_HOST:-127.0.0.1}:${DB_PORT:-5432}/$DB_NAME"
MIGRATE_DATABASE_URL="${MIGRATE_DATABASE_URL:-postgres://$DB_OWNER@$DB_AT}"
export DJANGO_SETTINGS_MODULE=config.settings.production
export DATABASE_URL="${DATABASE_URL:-postgres://$DB_APP_ROLE@$DB_AT}"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}"
export CACHE_URL="${CACHE_URL:-redis://127.0.0.1:6379/1}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-false}"   # no TLS terminator in front locally
: "${SECRET_KEY:?set SECRET_KEY to 50+ random characters (python -c 'import secrets; print(secrets.token_urlsafe(50))')}"

BIN=.venv/bin
bash scripts/database-roles.sh
DATABASE_URL="$MIGRATE_DATABASE_URL" $BIN/python manage.py migrate --no-input
DATABASE_URL="$MIGRATE_DATABASE_URL" $BIN/python manage.py db_grant_app_role "$DB_APP_ROLE"
$BIN/python manage.py collectstatic --no-input -v0
[ "${SETUP_ONLY:-}" = 1 ] && exit 0   # roles, schema and grants only (an upgrade, or a check of this script)

trap 'kill 0' EXIT INT TERM
$BIN/celery -A config worker --loglevel INFO --concurrency 2 --max-tasks-per-child 200 &
$BIN/celery -A config beat --loglevel INFO &
$BIN/gunicorn config.wsgi --bind "${BIND:-127.0.0.1:8000}" --workers "${WEB_WORKERS:-3}" \
    --access-logfile - &
wait
