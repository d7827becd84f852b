#!/usr/bin/env bash
# The production shape on one machine: gunicorn + Celery worker + Celery beat, sharing
# nothing but PostgreSQL and Redis. Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."

export DJANGO_SETTINGS_MODULE=config.settings.production
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cunzhan}"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}"
export CACHE_URL="${CACHE_URL:-redis://127.0.0.1:6379/1}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-false}"   # no TLS terminator in front locally
: "${SECRET_KEY:?set SECRET_KEY to 50+ random characters (python -c 'import secrets; print(secrets.token_urlsafe(50))')}"

BIN=.venv/bin
createdb -h 127.0.0.1 -U postgres cunzhan 2>/dev/null || true
$BIN/python manage.py migrate --no-input
$BIN/python manage.py collectstatic --no-input -v0

trap 'kill 0' EXIT INT TERM
$BIN/celery -A config worker --loglevel INFO --concurrency 2 --max-tasks-per-child 200 &
$BIN/celery -A config beat --loglevel INFO &
$BIN/gunicorn config.wsgi --bind "${BIND:-127.0.0.1:8000}" --workers "${WEB_WORKERS:-3}" \
    --access-logfile - &
wait
