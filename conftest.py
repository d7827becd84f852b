"""Root pytest plugin: the `postgres` marker.

Tests that need PostgreSQL semantics (row locks, triggers, concurrency) are skipped where
the database is SQLite — loudly, with a count at the end — and CI's PostgreSQL run sets
REQUIRE_POSTGRES=1 so that a misconfigured run fails instead of skipping them.
"""

import os

import pytest
from django.core.cache import cache
from django.db import connection

_SKIP_REASON = "needs PostgreSQL: set DATABASE_URL=postgres://… to run it"


@pytest.fixture(autouse=True)
def _postgres_only(request):
    if request.node.get_closest_marker("postgres") is None:
        return
    if connection.vendor == "postgresql":
        return
    if os.environ.get("REQUIRE_POSTGRES"):
        pytest.fail("REQUIRE_POSTGRES is set but the test database is not PostgreSQL (check DATABASE_URL)")
    pytest.skip(_SKIP_REASON)


def pytest_terminal_summary(terminalreporter):
    # Counted from the reports, which reach the controller from every xdist worker.
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if _SKIP_REASON in str(r.longrepr)]
    if skipped:
        terminalreporter.write_sep("!", f"{len(skipped)} PostgreSQL-only tests SKIPPED (SQLite run)", yellow=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and cached calendars must not leak between tests (CI's second run shares Redis)."""
    cache.clear()
