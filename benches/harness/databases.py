"""The benches' own databases: SQLite files and PostgreSQL databases copied from a template migrated
once per run, reused while their migrations match the code and made again when they stop matching."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from pathlib import Path

from benches.harness.processes import ROOT, VAR, manage
from benches.harness.results import progress

SQLITE_TEMPLATE = VAR / "template.sqlite3"
POSTGRES_TEMPLATE = "cz_bench_template"
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"  # where the benches' default databases live
# Templates brought up to date in this run (a `migrate --check` costs a Django start-up: once is enough).
_templates_current: set[str] = set()


def _migrate_sqlite(path: Path, env: dict[str, str], label: str) -> None:
    progress(f"migrating {path.relative_to(ROOT)} ({label})…")
    started = time.monotonic()
    result = manage("migrate", "--no-input", env={**env, "DATABASE_URL": f"sqlite:///{path}"}, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"migrate failed:\n{result.stdout}\n{result.stderr}")
    progress(f"migrated in {time.monotonic() - started:.0f} s")


def sqlite_template(env: dict[str, str]) -> Path:
    """The SQLite database every new SQLite bench database is copied from, migrated once per run."""
    VAR.mkdir(parents=True, exist_ok=True)
    if str(SQLITE_TEMPLATE) not in _templates_current:
        template_env = {**env, "DATABASE_URL": f"sqlite:///{SQLITE_TEMPLATE}"}
        if not SQLITE_TEMPLATE.exists() or manage("migrate", "--check", env=template_env, check=False).returncode:
            _migrate_sqlite(SQLITE_TEMPLATE, env, "the template of every SQLite bench, about two minutes")
        _templates_current.add(str(SQLITE_TEMPLATE))
    return SQLITE_TEMPLATE


def migrated_sqlite(name: str, env: dict[str, str]) -> None:
    """Bring var/bench/<name> (env's DATABASE_URL) up to date: reuse it when `migrate --check` says nothing
    is pending, migrate it when something is; a new one is a copy of the migrated template (a migrate run
    is two minutes of CPU, a copy a fraction of a second)."""
    path = VAR / name
    if path.exists():
        if manage("migrate", "--check", env=env, check=False).returncode == 0:
            progress(f"database {path.relative_to(ROOT)} is up to date")
        else:
            _migrate_sqlite(path, env, "its new migrations")
        return
    template = sqlite_template(env)
    # SQLite's backup API, not a file copy: a copy could miss pages still in the template's write-ahead log.
    with contextlib.closing(sqlite3.connect(template)) as source, contextlib.closing(sqlite3.connect(path)) as copy:
        source.backup(copy)
    progress(f"database {path.relative_to(ROOT)} copied from the migrated template")


def _postgres_database_exists(url: str) -> bool:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def postgres_database_ensure(url: str, *, template: str | None = None) -> None:
    """Create the PostgreSQL database a benchmark's URL names if it is not there yet (each bench has its
    own, so that its data is never another's), as a copy of `template` when one is named."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            progress(f"creating database {name}" + (f" from {template}" if template else ""))
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def _postgres_database_drop(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_migrate_in_place(env: dict[str, str], label: str) -> None:
    """Bring the database env's DATABASE_URL names up to date; one whose migration history no longer
    matches the code is built again from empty."""
    url = env["DATABASE_URL"]
    postgres_database_ensure(url)
    if manage("migrate", "--check", env=env, check=False).returncode == 0:
        progress(f"{label} database is up to date")
        return
    progress(f"migrating the {label} database (minutes, the first time only)…")
    started = time.monotonic()
    result = manage("migrate", "--no-input", env=env, check=False)
    if result.returncode != 0:
        progress(
            f"the {label} database no longer matches the migrations ({_last_line(result.stderr)}); "
            "building it again from empty"
        )
        _postgres_database_drop(url)
        postgres_database_ensure(url)
        result = manage("migrate", "--no-input", env=env, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"migrate failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    progress(f"migrated in {time.monotonic() - started:.0f} s")


def postgres_migrated(env: dict[str, str], label: str) -> None:
    """Bring the PostgreSQL database env's DATABASE_URL names up to date with the code's migrations.

    A new bench database is a copy (CREATE DATABASE … TEMPLATE) of one template migrated once for every
    bench: on a fresh machine six benches cost one migrate run instead of six. Bench databases outlive a
    checkout (their data is reused across runs), so one whose migration history stops matching the code
    (a branch renumbered or dropped a migration, and `migrate` refuses) is made again from the template
    rather than failing the bench."""
    url = env["DATABASE_URL"]
    if _postgres_database_exists(url):
        if manage("migrate", "--check", env=env, check=False).returncode == 0:
            progress(f"{label} bench database is up to date")
            return
        progress(f"migrating the {label} bench database…")
        result = manage("migrate", "--no-input", env=env, check=False)
        if result.returncode == 0:
            return
        progress(
            f"the {label} bench database no longer matches the migrations ({_last_line(result.stderr)}); "
            "making it again from the template"
        )
        _postgres_database_drop(url)
    postgres_database_ensure(url, template=postgres_template(env))


def postgres_template(env: dict[str, str]) -> str:
    """The database (on the server env's DATABASE_URL names) every new PostgreSQL bench database is copied
    from, migrated once per run; returns its name."""
    template_url = f"{env['DATABASE_URL'].rsplit('/', 1)[0]}/{POSTGRES_TEMPLATE}"
    if template_url not in _templates_current:
        _postgres_migrate_in_place({**env, "DATABASE_URL": template_url}, "bench template")
        _templates_current.add(template_url)
    return POSTGRES_TEMPLATE


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else "no message"
