"""Root pytest plugin: the test database copied from a migrated template, the `postgres` marker, and
emptying the database between transactional tests.

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


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_use_migrations,
                    django_db_keepdb, django_db_createdb):
    """pytest-django's database setup, but each process copies a template migrated once (tests/db_template.py)
    instead of running the migrations itself. `--create-db` rebuilds the template; `--reuse-db` keeps the
    process's copy (on PostgreSQL) after the run."""
    from django.db import connections
    from django.test.utils import get_unique_databases_and_mirrors, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    from tests import db_template

    verbosity = request.config.option.verbose
    if not django_db_use_migrations:
        _disable_migrations()
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    # The browser journeys' live server answers from several threads at once, as a real server does: each
    # thread needs a connection of its own, so their SQLite copy is a file rather than an in-memory database
    # (which Django would share between the threads as one connection).
    threaded = any("live_server" in getattr(item, "fixturenames", ()) for item in request.session.items)
    test_databases, mirrored_aliases = get_unique_databases_and_mirrors(aliases)
    old_config = []
    with django_db_blocker.unblock():
        for real_name, db_aliases in test_databases.values():
            first, *others = db_aliases
            connection = connections[first]
            if not db_template.supported(connection):
                raise pytest.UsageError(f"no test database template for {connection.vendor}")
            db_template.database_from_template(connection, worker=db_template.worker_id(request.config),
                                               rebuild=django_db_createdb, migrations=django_db_use_migrations,
                                               verbosity=verbosity, threaded=threaded)
            old_config.append((connection, real_name, True))
            for alias in others:
                old_config.append((connections[alias], real_name, False))
                connections[alias].creation.set_as_test_mirror(connection.settings_dict)
        for alias, mirror_alias in mirrored_aliases.items():
            connections[alias].creation.set_as_test_mirror(connections[mirror_alias].settings_dict)
        for alias in serialized_aliases:
            connections[alias]._test_serialized_contents = connections[alias].creation.serialize_db_to_string()

    yield

    with django_db_blocker.unblock():
        teardown_databases(old_config, verbosity=verbosity, keepdb=django_db_keepdb)


def pytest_collection_modifyitems(config, items):
    """Skipped before any fixture runs: a PostgreSQL-only test is mostly transactional, and the flush after one
    costs a fifth of a second that its skip inside the test would still pay."""
    if connection.vendor == "postgresql" or os.environ.get("REQUIRE_POSTGRES"):
        return
    skip = pytest.mark.skip(reason=_SKIP_REASON)
    for item in items:
        if item.get_closest_marker("postgres") is not None:
            item.add_marker(skip)


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
