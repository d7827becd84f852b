"""The test database, migrated once and copied for each test process.

Running ~400 migrations takes about a minute of CPU, and every pytest process (each xdist worker,
every focused run) used to pay it. Here the first process to need a database builds a *template*
by running the migrations (so they stay tested), and every process then gets its own copy:

* SQLite: the template is a file, ``var/test-db/sqlite-<key>.sqlite3``; each process loads it into
  an in-memory database of its own (SQLite's backup API, a fraction of a second) — or, for the browser
  journeys' live server (many threads), into a file ``var/test-db/threaded-<alias>-<worker>-<pid>.sqlite3``.
* PostgreSQL: the template is a database, ``test_<NAME>_tpl_<key>``; each process gets
  ``test_<NAME>_<worker>`` made by ``CREATE DATABASE … TEMPLATE``.

The key is a digest of what the migrated database is made from: every migration file of every
installed app (ours, Django's, Wagtail's, Oscar's …), what the ``post_migrate`` receivers make from the
current code (SQLite's invariant triggers, the role groups' permissions) and the settings migrations
read. Change any of them and the next run builds a new template (and drops the stale ones).
``pytest --create-db`` rebuilds it regardless, once per run however many workers there are.

A file lock (``var/test-db/<engine>.lock``) makes the processes that start together wait for the one
that builds; a template is built under a temporary name and renamed when complete, so an interrupted
build is never taken for a template.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import json
import os
import sqlite3
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

# Bump when the way a template is built changes, so that no template built the old way is reused.
VERSION = "1"
DIRECTORY = Path(settings.BASE_DIR) / "var" / "test-db"
_PROCESS_RUN = uuid.uuid4().hex
# Modules whose code our migrations run (what they make ends up in the template): a change there
# must build a new template as a changed migration does.
MIGRATION_CODE = (
    "core.partitioning",
    "core.partitioning.convert",
    "core.partitioning.functions",
    "core.partitioning.months",
)


def run_id() -> str:
    """One id per pytest run: xdist hands every worker the controller's; a single process has its own."""
    return os.environ.get("PYTEST_XDIST_TESTRUNUID") or _PROCESS_RUN


def worker_id(config) -> str:
    return getattr(config, "workerinput", {}).get("workerid", "main")


# --- the key -----------------------------------------------------------------------------------------

def _migration_files():
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    for app_config in apps.get_app_configs():
        module_name, _explicit = MigrationLoader.migrations_module(app_config.label)
        if module_name is None:
            continue
        try:
            spec = importlib.util.find_spec(module_name)
        except ModuleNotFoundError:
            continue
        if spec is None or not spec.submodule_search_locations:
            continue
        for directory in spec.submodule_search_locations:
            for path in sorted(Path(directory).glob("*.py")):
                yield app_config.label, path


def _post_migrate_output() -> dict:
    """What our post_migrate receivers make from the current code rather than from migrations."""
    from django.apps import apps

    from accounts.roles import ROLE_PERMISSIONS
    from core.db_invariants import _sqlite_triggers
    from core.personal_data_inventory import INVENTORY

    return {
        "sqlite_triggers": sorted(trigger.sql for app_config in apps.get_app_configs()
                                  for trigger in _sqlite_triggers(app_config)),
        "role_permissions": sorted((str(role), sorted(names)) for role, names in ROLE_PERMISSIONS.items()),
        "personal_data_inventory": sorted(entry["field"] for entry in INVENTORY),
    }


def template_key(connection, *, migrations: bool = True) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps({
        "version": VERSION,
        "vendor": connection.vendor,
        "migrations": migrations,
        "installed_apps": list(settings.INSTALLED_APPS),
        "language_code": settings.LANGUAGE_CODE,
        "languages": [code for code, _name in settings.LANGUAGES],
        "wagtail_languages": [code for code, _name in getattr(settings, "WAGTAIL_CONTENT_LANGUAGES", [])],
        "post_migrate": _post_migrate_output(),
    }, sort_keys=True, default=str).encode())
    if migrations:
        for label, path in _migration_files():
            digest.update(f"\0{label}/{path.name}\0".encode())
            digest.update(path.read_bytes())
        for module in MIGRATION_CODE:
            digest.update(f"\0{module}\0".encode())
            digest.update(Path(importlib.util.find_spec(module).origin).read_bytes())
    return digest.hexdigest()[:16]


# --- locking and stamps ------------------------------------------------------------------------------

@contextmanager
def _locked(name: str):
    DIRECTORY.mkdir(parents=True, exist_ok=True)
    with open(DIRECTORY / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _stamp(template: str) -> Path:
    return DIRECTORY / f"{template}.run"


def _built_this_run(template: str) -> bool:
    stamp = _stamp(template)
    return stamp.exists() and stamp.read_text().strip() == run_id()


def _mark_built(template: str) -> None:
    _stamp(template).write_text(run_id())


# --- building and copying ----------------------------------------------------------------------------

def _migrate_into(connection, test_name: str, verbosity: int) -> None:
    """Run the migrations into a fresh database named `test_name` (Django's own test-database build),
    then leave the connection closed and pointed back at the real database's name."""
    real_name = connection.settings_dict["NAME"]
    test_settings = connection.settings_dict["TEST"]
    saved = test_settings.get("NAME")
    test_settings["NAME"] = test_name
    try:
        connection.creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False, keepdb=False)
    finally:
        test_settings["NAME"] = saved
        connection.close()
        settings.DATABASES[connection.alias]["NAME"] = real_name
        connection.settings_dict["NAME"] = real_name


class SqliteTemplate:
    def __init__(self, connection, key: str):
        self.connection = connection
        self.name = f"sqlite-{connection.alias}-{key}"
        self.path = DIRECTORY / f"{self.name}.sqlite3"

    def exists(self) -> bool:
        return self.path.exists()

    def build(self, verbosity: int) -> None:
        building = self.path.with_name(f"{self.name}.building.sqlite3")
        building.unlink(missing_ok=True)
        _migrate_into(self.connection, str(building), verbosity)
        os.replace(building, self.path)
        for stale in DIRECTORY.glob(f"sqlite-{self.connection.alias}-*.sqlite3"):
            if stale != self.path:
                stale.unlink(missing_ok=True)
                _stamp(stale.stem).unlink(missing_ok=True)

    def copy(self, worker: str, *, threaded: bool) -> str:
        """Load the template into this process's own database; returns its NAME. In memory, unless
        `threaded`: Django shares an in-memory database between threads as one connection, which cannot
        hold two threads' transactions at once, so a threaded server gets a file, a connection per thread."""
        if threaded:
            return self._copy_to_file(worker)
        name = f"file:memorydb_{self.connection.alias}_{worker}?mode=memory&cache=shared"
        self._point_at(name)
        self.connection.connect()
        self._load_into(self.connection.connection)
        return name

    def _copy_to_file(self, worker: str) -> str:
        for stale in DIRECTORY.glob(f"threaded-{self.connection.alias}-*.sqlite3"):
            if not _process_alive(int(stale.stem.rsplit("-", 1)[1])):
                _unlink_database(stale)
        path = DIRECTORY / f"threaded-{self.connection.alias}-{worker}-{os.getpid()}.sqlite3"
        _unlink_database(path)
        target = sqlite3.connect(path)
        try:
            self._load_into(target)
            # Write-ahead log: a request reading is never held up by another one writing (as on PostgreSQL):
            # a request that calls a simulator served by the same live server while in its transaction
            # gets its answer. Writers queue for the lock (the timeout).
            target.execute("PRAGMA journal_mode=WAL")
        finally:
            target.close()
        self._point_at(str(path))
        self.connection.settings_dict["OPTIONS"] = {**self.connection.settings_dict.get("OPTIONS", {}), "timeout": 30}
        return str(path)

    def _point_at(self, name: str) -> None:
        self.connection.close()
        self.connection.settings_dict["NAME"] = name
        settings.DATABASES[self.connection.alias]["NAME"] = name

    def _load_into(self, target) -> None:
        source = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            source.backup(target)
        finally:
            source.close()


def _unlink_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def postgres_template_prefix(database_name: str) -> str:
    """The names of the templates for a PostgreSQL database called `database_name` start so (+ the key)."""
    return f"test_{database_name}_tpl_"[:46]


class PostgresTemplate:
    def __init__(self, connection, key: str):
        self.connection = connection
        real = connection.settings_dict["NAME"]
        self.prefix = postgres_template_prefix(real)
        self.name = f"{self.prefix}{key}"
        self.real = real

    def _cursor(self):
        return self.connection.creation._nodb_cursor()

    def _names(self, cursor) -> list[str]:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                       [self.prefix.replace("_", "\\_") + "%"])
        return [name for (name,) in cursor.fetchall()]

    def exists(self) -> bool:
        with self._cursor() as cursor:
            return self.name in self._names(cursor)

    def build(self, verbosity: int) -> None:
        quote = self.connection.ops.quote_name
        building = f"{self.name}_building"
        with self._cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(building)} WITH (FORCE)")
        _migrate_into(self.connection, building, verbosity)
        self.connection.close_pool()
        with self._cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(self.name)} WITH (FORCE)")
            cursor.execute(f"ALTER DATABASE {quote(building)} RENAME TO {quote(self.name)}")
            for stale in self._names(cursor):
                if stale != self.name:
                    cursor.execute(f"DROP DATABASE IF EXISTS {quote(stale)} WITH (FORCE)")

    def copy(self, worker: str, *, threaded: bool) -> str:
        """Every connection to PostgreSQL is its own, whatever the thread: `threaded` changes nothing."""
        quote = self.connection.ops.quote_name
        name = f"test_{self.real}_{worker}"
        self.connection.close()
        self.connection.close_pool()
        with self._cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(self.name)}")
        self.connection.settings_dict["NAME"] = name
        settings.DATABASES[self.connection.alias]["NAME"] = name
        return name


TEMPLATES = {"sqlite": SqliteTemplate, "postgresql": PostgresTemplate}


def supported(connection) -> bool:
    return connection.vendor in TEMPLATES


def ensure_template(connection, *, verbosity: int = 0) -> str:
    """Build the template for `connection` unless it is there; returns its name. CI builds the SQLite and the
    PostgreSQL templates side by side before the suites (`python -m tests.db_template`): a build is one
    process on one core, and a suite's other workers wait for it."""
    template = TEMPLATES[connection.vendor](connection, template_key(connection))
    with _locked(f"{connection.vendor}-{connection.alias}"):
        if not template.exists():
            template.build(verbosity)
            _mark_built(template.name)
    return template.name


def database_from_template(connection, *, worker: str, rebuild: bool, migrations: bool, verbosity: int,
                           threaded: bool = False) -> str:
    """Point `connection` at a database of this process's own, copied from the (built if need be)
    template; `threaded`: one that several threads (a live server's) can use at once. Returns its name."""
    template = TEMPLATES[connection.vendor](connection, template_key(connection, migrations=migrations))
    with _locked(f"{connection.vendor}-{connection.alias}"):
        if not template.exists() or (rebuild and not _built_this_run(template.name)):
            template.build(verbosity)
            _mark_built(template.name)
        return template.copy(worker, threaded=threaded)


if __name__ == "__main__":
    # DJANGO_SETTINGS_MODULE=config.settings.test [DATABASE_URL=…] python -m tests.db_template
    import time

    import django

    django.setup()
    from django.db import connection as default_connection

    started = time.monotonic()
    made = ensure_template(default_connection)
    print(f"test database template {made} ready ({default_connection.vendor}, {time.monotonic() - started:.0f} s)")
