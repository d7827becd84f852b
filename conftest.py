"""Root pytest plugin: the `postgres` marker, and emptying the database between transactional tests.

Tests that need PostgreSQL semantics (row locks, triggers, concurrency) are skipped where
the database is SQLite — loudly, with a count at the end — and CI's PostgreSQL run sets
REQUIRE_POSTGRES=1 so that a misconfigured run fails instead of skipping them.
"""

import os

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.backends.postgresql.base import DatabaseOperations as PostgresOperations
from django.db.backends.sqlite3.base import DatabaseOperations as SqliteOperations

from core.db_invariants import PREFIX as SQLITE_TRIGGER_PREFIX

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


# After a transactional test Django empties every table (TRUNCATE on PostgreSQL, DELETE on SQLite),
# which the invariant triggers refuse on the ledger, audit and event tables by design
# (docs/database-invariants.md). The harness empties them as the database's owner would: on
# PostgreSQL with triggers off for that one transaction (session_replication_role needs the
# superuser the tests run as), on SQLite with the triggers dropped and made again around it.
_postgres_flush = PostgresOperations.sql_flush
_sqlite_flush = SqliteOperations.sql_flush


def _postgres_flush_past_triggers(self, style, tables, **kwargs):
    sql = _postgres_flush(self, style, tables, **kwargs)
    return ["SET LOCAL session_replication_role = replica;", *sql] if sql else sql


def _sqlite_flush_past_triggers(self, style, tables, **kwargs):
    sql = _sqlite_flush(self, style, tables, **kwargs)
    if not sql:
        return sql
    with self.connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s ESCAPE '\\'",
                       [SQLITE_TRIGGER_PREFIX.replace("_", "\\_") + "%"])
        triggers = cursor.fetchall()
    return [*(f"DROP TRIGGER {name};" for name, _sql in triggers), *sql, *(f"{made};" for _name, made in triggers)]


PostgresOperations.sql_flush = _postgres_flush_past_triggers
SqliteOperations.sql_flush = _sqlite_flush_past_triggers
