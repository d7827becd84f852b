"""Which pending migrations would hold a long lock on a large table (the upgrade procedure, README
"Upgrades"; `manage.py migrations_lock_check`).

PostgreSQL takes an ACCESS EXCLUSIVE or SHARE lock for most schema changes: the statement is quick when it
only touches the catalogue (adding a nullable column or one with a constant default, dropping a column,
renaming, dropping a constraint), but it holds the lock — and with it every counter payment on that table —
for as long as it rewrites or scans the rows: changing a column's type, SET NOT NULL, adding a foreign key or
a check that is not NOT VALID, building an index without CONCURRENTLY. Those are the statements this module
names, with the table's estimated rows (pg_class.reltuples; a count on SQLite), so that the county's IT office
plans a window (or splits the migration) before `migrate` rather than finding out at the counter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Statements that read or rewrite every row while holding a lock that blocks writes.
_SLOW = (
    ("rewrites the table", re.compile(r'ALTER TABLE\s+"?(\w+)"?\s+ALTER COLUMN\s+"?\w+"?\s+(SET DATA\s+)?TYPE', re.I)),
    ("scans the table", re.compile(r'ALTER TABLE\s+"?(\w+)"?\s+ALTER COLUMN\s+"?\w+"?\s+SET NOT NULL', re.I)),
    ("scans the table", re.compile(r'ALTER TABLE\s+"?(\w+)"?\s+ADD CONSTRAINT\s+"?\w+"?\s+(FOREIGN KEY|CHECK|UNIQUE)'
                                   r'(?!.*NOT VALID)', re.I | re.S)),
    ("builds an index without CONCURRENTLY",
     re.compile(r'CREATE\s+(UNIQUE\s+)?INDEX\s+(?!CONCURRENTLY)(IF NOT EXISTS\s+)?"?\w+"?\s+ON\s+"?(\w+)"?', re.I)),
    ("rebuilds the table (SQLite)", re.compile(r'INSERT INTO\s+"new__(\w+)"', re.I)),
)


@dataclass(frozen=True)
class LockRisk:
    migration: str     # app_label.name
    table: str
    rows: int          # estimated
    why: str
    statement: str


def slow_statements(sql: str) -> list[tuple[str, str]]:
    """(table, why) for each part of `sql` that holds a write-blocking lock while it reads or rewrites rows."""
    sql = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))  # sqlmigrate's notes
    found = []
    for why, pattern in _SLOW:
        for match in pattern.finditer(sql):
            table = match.group(match.lastindex) if why.startswith("builds") else match.group(1)
            found.append((table, why))
    return found


def estimated_rows(table: str) -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A partitioned parent has no rows of its own: add its partitions'.
            cursor.execute("SELECT coalesce(sum(greatest(c.reltuples, 0)), 0) FROM pg_class c "
                           "WHERE c.relname = %s OR c.oid IN (SELECT inhrelid FROM pg_inherits i "
                           "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s)", [table, table])
            return int(cursor.fetchone()[0])
        if table not in connection.introspection.table_names(cursor):
            return 0
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
        return int(cursor.fetchone()[0])


def pending_migrations() -> list:
    executor = MigrationExecutor(connection)
    return [migration for migration, backwards in executor.migration_plan(executor.loader.graph.leaf_nodes())
            if not backwards]


def lock_risks(migrations=None, *, min_rows: int = 100_000) -> list[LockRisk]:
    """The slow statements of `migrations` (default: the pending ones) on tables of at least `min_rows`."""
    executor = MigrationExecutor(connection)
    migrations = pending_migrations() if migrations is None else migrations
    risks = []
    for migration in migrations:
        for statement in executor.loader.collect_sql([(migration, False)]):
            for table, why in slow_statements(statement):
                rows = estimated_rows(table)
                if rows >= min_rows:
                    risks.append(LockRisk(f"{migration.app_label}.{migration.name}", table, rows, why,
                                          " ".join(statement.split())[:200]))
    return risks
