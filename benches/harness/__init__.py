"""The pieces every benchmark shares: result rows and the table, progress lines, throwaway servers.

A benchmark is a function `(ctx: Context) -> list[Row]` registered in benches/__main__.py. It measures
our code and a baseline in the same run and returns rows; the harness prints one table. Nothing here
asserts a timing: absolute figures on shared 2-core machines drift by up to 2x, ratios much less.

Every bench imports from here; the pieces live in results.py (rows, the table, progress), processes.py
(servers, child processes and their environment) and databases.py (bench databases and their templates).
"""

from benches.harness.databases import (
    POSTGRES_SERVER,
    POSTGRES_TEMPLATE,
    SQLITE_TEMPLATE,
    migrated_sqlite,
    postgres_database_ensure,
    postgres_migrated,
    postgres_template,
    sqlite_template,
)
from benches.harness.processes import (
    BENCH_SECRET_KEY,
    ROOT,
    VAR,
    VENV_BIN,
    bench_script,
    child_json,
    clean_env,
    fetch,
    free_port,
    gunicorn,
    manage,
    project_env,
    stop_group,
    wait_until_answers,
)
from benches.harness.results import Context, Row, format_table, progress

__all__ = [
    "BENCH_SECRET_KEY",
    "POSTGRES_SERVER",
    "POSTGRES_TEMPLATE",
    "ROOT",
    "SQLITE_TEMPLATE",
    "VAR",
    "VENV_BIN",
    "Context",
    "Row",
    "bench_script",
    "child_json",
    "clean_env",
    "fetch",
    "format_table",
    "free_port",
    "gunicorn",
    "manage",
    "migrated_sqlite",
    "postgres_database_ensure",
    "postgres_migrated",
    "postgres_template",
    "progress",
    "project_env",
    "sqlite_template",
    "stop_group",
    "wait_until_answers",
]
