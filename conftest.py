"""Root pytest plugin: the `postgres` marker.

Tests that need PostgreSQL semantics (row locks, triggers, concurrency) are skipped where
the database is SQLite — loudly, with a count at the end — and CI's PostgreSQL run sets
REQUIRE_POSTGRES=1 so that a misconfigured run fails instead of skipping them.
"""

import os

import pytest
from django.core.cache import cache
from django.db import connection

_skipped_for_postgres: list[str] = []


@pytest.fixture(autouse=True)
def _postgres_only(request):
    if request.node.get_closest_marker("postgres") is None:
        return
    if connection.vendor == "postgresql":
        return
    if os.environ.get("REQUIRE_POSTGRES"):
        pytest.fail("REQUIRE_POSTGRES is set but the test database is not PostgreSQL (check DATABASE_URL)")
    _skipped_for_postgres.append(request.node.nodeid)
    pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://… to run it")


def pytest_terminal_summary(terminalreporter):
    if _skipped_for_postgres:
        terminalreporter.write_sep("!", f"{len(_skipped_for_postgres)} PostgreSQL-only tests SKIPPED (SQLite run)",
                                   yellow=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and cached calendars must not leak between tests (CI's second run shares Redis)."""
    cache.clear()
