"""What a restored database must satisfy, beyond holding the rows it held: each app registers the
checks it knows (in its AppConfig.ready), and `manage.py restore_checks` runs them — the restore
drill (core/backup.py) runs it against every restored backup. A check returns its problems in words;
an empty list means it holds.

core stays at the bottom of the house: it knows the registry, not the apps' rules.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection

RestoreCheck = Callable[[], list[str]]
CHECKS: dict[str, RestoreCheck] = {}


def register_restore_check(name: str, check: RestoreCheck) -> None:
    CHECKS[name] = check


def table_count_problems(expected: dict[str, int]) -> list[str]:
    """Tables whose row count differs from the manifest's (or that are missing)."""
    present = set(connection.introspection.table_names())
    problems = []
    with connection.cursor() as cursor:
        for table, count in sorted(expected.items()):
            if table not in present:
                problems.append(f"{table}: missing (had {count} rows)")
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            found = cursor.fetchone()[0]
            if found != count:
                problems.append(f"{table}: {found} rows, the backup had {count}")
    return problems
