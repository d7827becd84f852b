"""Tables partitioned by month on PostgreSQL: converting a table in place, and keeping months ahead.

The audit trail, the SMS outbox and the request events grow without bound and are read by time
(a month's report, the latest messages). On PostgreSQL each is RANGE partitioned by its time column,
one partition per calendar month in settings.TIME_ZONE (`<table>_p2026_01`), plus a default
partition (`<table>_default`) that catches a row no month partition holds. What that buys: a query
bounded by time reads only its months (partition pruning), a month of history is archived by
DETACH PARTITION (a catalogue change) instead of a DELETE of millions of rows, and each month's
indexes stay the size of a month. docs/partitioning.md has the figures and the retention procedure.

Django sees the same model: its primary key is still `id` (a single column); the database's
primary key is `(id, <time column>)`, because a partitioned table's unique keys must include the
partition key. `id` still comes from one identity sequence, so it stays unique in practice, and
`.get(pk=…)` probes each partition's primary-key index (one index look-up per month).

`table_partition_by_month` converts a plain table in place (a migration per table calls it), and
`table_unpartition` converts it back; both keep the rows, ids, sequence, indexes, foreign keys,
CHECK constraints, triggers and grants. They run inside the migration's transaction and hold an
EXCLUSIVE lock on the table meanwhile (reads go on, writes wait); the bench gives the copy rate.
On SQLite both do nothing.

Months ahead are made by `cunzhan_month_partition(parent, month, time_zone)`, a SECURITY DEFINER
function owned by the tables' owner (installed by core/migrations/0007), so the application's role,
which owns nothing (core/db_app_role.py), can still create next month's partition from Celery beat
(`partitions_ensure`). Nothing here ever drops or detaches a partition: `partitions_report` lists
the months old enough to archive, and an operator archives them (docs/partitioning.md).
"""

from __future__ import annotations

# The migrations (core/0007, core/0008, gov_services/0014) import these from here: keep this path.
from core.partitioning.convert import table_partition_by_month, table_unpartition
from core.partitioning.functions import drop_functions, install_functions

__all__ = ["drop_functions", "install_functions", "table_partition_by_month", "table_unpartition"]
