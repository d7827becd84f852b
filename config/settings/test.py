"""Test settings: fast hashing, eager Celery, the outbox for anything sent.

DATABASE_URL may point at PostgreSQL (CI runs the suite twice: SQLite, then PostgreSQL).
"""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, env, read

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = ""
# CI's second run sets CACHE_URL to the machine's Redis; otherwise each process has its own.
CACHES = {"default": read("CACHE_URL", env.cache_url, "locmemcache://tests", "redis://127.0.0.1:6379/1")}
# `make test` runs in parallel (pytest-xdist) and every test starts by clearing the cache: on a
# shared Redis each worker gets a database of its own (gw0 → the URL's, gw1 → the next, …), or one
# worker's clear would empty another's cache in the middle of a test.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and "redis" in CACHES["default"]["BACKEND"].lower():
    _base, _, _db = CACHES["default"]["LOCATION"].rpartition("/")
    CACHES["default"]["LOCATION"] = f"{_base}/{int(_db or 0) + int(_worker[2:])}"
# Sessions as production keeps them (the database, read through the cache): one query less a request.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "core.sms.OutboxBackend"  # the outbox rows are what tests assert
SITE_URL = "https://cunzhan.test"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
# A child process may be pointed elsewhere (the restore drill checks the files it unpacked).
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "test-private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The test database is copied from a template migrated once (tests/db_template.py, used by the root
# conftest.py): on SQLite each test process gets an in-memory copy, on PostgreSQL a database of its own.
LANGUAGE_CODE = "zh-hans"
REPORTS_READ_ROLLUPS = False  # fixtures write requests directly; tests/reports/test_request_rollups.py turns it on
TWO_FACTOR_ROLES: list[str] = []  # tests/accounts/test_two_factor.py turns it on
AGENCY_CARD_TERMINAL = "simulator"  # the till's card reader in tests (agency/card_terminals/simulator.py)
# Health details and metrics: the system admin only, so that the access matrix (whose client comes from
# 127.0.0.1) proves the refusal; tests/core/test_health.py proves the allowed networks.
OPS_ALLOWED_NETWORKS: list[str] = []
# A staff client of the access matrix may wait longer than half an hour for its next row on a loaded
# machine; the idle limit itself is tested with its own value (tests/accounts/test_staff_sessions.py).
STAFF_SESSION_IDLE_MINUTES = 24 * 60
# Request logs are the point of production's logging and noise here: every 4xx a test asks for on purpose
# would be a formatted WARNING (Django's with a traceback) and every request two INFO lines, about a
# tenth of a page's time under the test client. Server errors still log; tests/core/test_logging.py
# checks the lines themselves with the production configuration.
LOGGING = {**LOGGING, "root": {**LOGGING["root"], "level": "WARNING"},  # noqa: F405
           "loggers": {**LOGGING["loggers"], "django.request": {"level": "ERROR"},  # noqa: F405
                       "django.security": {"level": "ERROR"},
                       "django_structlog.middlewares.request": {"level": "ERROR"}}}
