"""Keeping months ahead (Celery beat, `db_partitions`), reporting the partitions old enough to archive,
and moving rows out of the default partition. Never drops or detaches a month."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection as default_connection

from core.partitioning.months import (
    MONTHS_AHEAD,
    MONTHS_BACK_LIMIT,
    add_months,
    month_start,
    months_between,
    partition_name,
)


@dataclass(frozen=True)
class Partition:
    name: str
    month: datetime.date | None  # None: the default partition
    rows: int  # the planner's estimate (exact for the default partition)
    bytes: int


@dataclass
class PartitionedTable:
    table: str
    column: str
    partitions: list[Partition] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # partitions made by this run
    blocked: list[datetime.date] = field(
        default_factory=list
    )  # months whose rows sit in the default partition
    archivable: list[Partition] = field(
        default_factory=list
    )  # months older than the retention, still attached

    @property
    def default_rows(self) -> int:
        return sum(p.rows for p in self.partitions if p.month is None)

    @property
    def last_month(self) -> datetime.date | None:
        months = [p.month for p in self.partitions if p.month]
        return max(months) if months else None


def partitioned_tables(connection=default_connection) -> list[tuple[str, str]]:
    """(table, time column) of every table of the current schema partitioned by a range of one column."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, a.attname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid"
            " JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]"
            " WHERE c.relnamespace = current_schema()::regnamespace AND p.partstrat = 'r' AND p.partnatts = 1"
            " AND NOT c.relispartition ORDER BY c.relname"
        )
        return cursor.fetchall()


def partitions_ensure(
    *,
    months_ahead: int = MONTHS_AHEAD,
    retention_months: int | None = None,
    create: bool = True,
    now: datetime.datetime | None = None,
    connection=default_connection,
) -> list[PartitionedTable]:
    """Make the partitions of the current month and `months_ahead` more for every month-partitioned table
    (unless `create` is False), and report each table's partitions and those older than `retention_months`
    (settings.PARTITION_RETENTION_MONTHS). Idempotent; never drops or detaches anything."""
    if retention_months is None:
        retention_months = getattr(settings, "PARTITION_RETENTION_MONTHS", 24)
    time_zone = settings.TIME_ZONE
    current = month_start(now or datetime.datetime.now(datetime.UTC), time_zone)
    reports = []
    for table, column in partitioned_tables(connection):
        report = PartitionedTable(table, column)
        with connection.cursor() as cursor:
            for month in months_between(current, add_months(current, months_ahead)):
                if not create:
                    break
                cursor.execute(
                    "SELECT cunzhan_month_partition(%s::regclass, %s, %s)", [table, month, time_zone]
                )
                (status,) = cursor.fetchone()
                if status == "created":
                    report.created.append(partition_name(table, month))
                elif status == "blocked":
                    report.blocked.append(month)
            cursor.execute(
                "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), greatest(c.reltuples, 0)::bigint,"
                " pg_total_relation_size(c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                " WHERE i.inhparent = %s::regclass ORDER BY c.relname",
                [table],
            )
            rows = cursor.fetchall()
            for name, bound, estimate, size in rows:
                month = None
                if bound != "DEFAULT":
                    suffix = name.rsplit("_p", 1)[-1]
                    try:
                        month = datetime.date(int(suffix[:4]), int(suffix[5:7]), 1)
                    except ValueError:
                        month = None
                else:
                    cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(name)}")
                    (estimate,) = cursor.fetchone()
                report.partitions.append(Partition(name, month, estimate, size))
        cutoff = add_months(current, -retention_months)
        report.archivable = [p for p in report.partitions if p.month and p.month < cutoff]
        reports.append(report)
    return reports


def partitions_move_default(*, connection=default_connection) -> dict[str, int]:
    """Give the rows sitting in each table's default partition the month partitions they belong to (as
    the tables' owner, in one transaction): detach the default partition (which drops the row triggers
    PostgreSQL cloned onto it, append-only among them), make the months' partitions, move the rows
    through the parent, attach it again. Returns the rows moved per table. Rows more than
    MONTHS_BACK_LIMIT months old, or past the months ahead, stay where they are."""
    if connection.vendor != "postgresql":
        return {}
    from django.db import transaction

    quote = connection.ops.quote_name
    time_zone = settings.TIME_ZONE
    current = month_start(datetime.datetime.now(datetime.UTC), time_zone)
    low = add_months(current, -MONTHS_BACK_LIMIT)
    moved = {}
    for table, column in partitioned_tables(connection):
        default = f"{table}_default"
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [default])
            if not cursor.fetchone()[0]:
                continue
            cursor.execute(
                f"SELECT DISTINCT date_trunc('month', {quote(column)} AT TIME ZONE %s)::date FROM {quote(default)}",
                [time_zone],
            )
            months = sorted(m for (m,) in cursor.fetchall() if low <= m <= add_months(current, MONTHS_AHEAD))
            if not months:
                continue
            cursor.execute(f"ALTER TABLE {quote(table)} DETACH PARTITION {quote(default)}")
            count = 0
            for month in months:
                cursor.execute(
                    "SELECT cunzhan_month_partition(%s::regclass, %s, %s)", [table, month, time_zone]
                )
                following = add_months(month, 1)
                cursor.execute(
                    f"WITH moved AS (DELETE FROM {quote(default)} WHERE {quote(column)} >= %s AND {quote(column)} < %s"
                    f" RETURNING *) INSERT INTO {quote(table)} SELECT * FROM moved",
                    [_local_midnight(month, time_zone), _local_midnight(following, time_zone)],
                )
                count += cursor.rowcount
            cursor.execute(f"ALTER TABLE {quote(table)} ATTACH PARTITION {quote(default)} DEFAULT")
            moved[table] = count
    return moved


def _local_midnight(month: datetime.date, time_zone: str) -> datetime.datetime:
    return datetime.datetime(month.year, month.month, 1, tzinfo=zoneinfo.ZoneInfo(time_zone))
