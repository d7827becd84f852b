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

import datetime
import re
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection as default_connection

# How many months past the current one always have their partition.
MONTHS_AHEAD = 3
# The oldest month given a partition of its own when a table is converted; older rows go to the default.
MONTHS_BACK_LIMIT = 120
# Rows copied per INSERT … SELECT while converting.
BATCH_ROWS = 50_000

FUNCTIONS = """
-- Copy the parent's statement-level TRUNCATE triggers onto one partition: PostgreSQL clones row
-- triggers onto partitions, but not statement triggers, and TRUNCATE of a partition alone would
-- otherwise pass the append-only guard (docs/database-invariants.md).
CREATE OR REPLACE FUNCTION cunzhan_partition_guard(part regclass) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    parent oid;
    trig record;
BEGIN
    SELECT inhparent INTO parent FROM pg_inherits WHERE inhrelid = part;
    IF parent IS NULL THEN
        RAISE EXCEPTION '% is not a partition', part;
    END IF;
    FOR trig IN
        SELECT tgname, tgfoid::regproc AS func FROM pg_trigger
        WHERE tgrelid = parent AND NOT tgisinternal AND (tgtype & 32) <> 0
    LOOP
        EXECUTE format('CREATE OR REPLACE TRIGGER %I BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION %s()',
                       trig.tgname, part, trig.func);
    END LOOP;
END;
$$;

-- Make the partition of `parent` for the calendar month holding `month` in `time_zone`, named
-- <parent>_pYYYY_MM. Returns 'exists', 'created', or 'blocked' when the default partition holds
-- rows of that month (moving them is the owner's job: docs/partitioning.md). Never drops anything.
CREATE OR REPLACE FUNCTION cunzhan_month_partition(parent regclass, month date, time_zone text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    schema_name text;
    parent_name text;
    part_name text;
    key_column text;
    default_part regclass;
    low timestamptz;
    high timestamptz;
    busy boolean;
    grant_row record;
BEGIN
    SELECT n.nspname, c.relname, a.attname, NULLIF(p.partdefid, 0)::regclass
      INTO schema_name, parent_name, key_column, default_part
      FROM pg_partitioned_table p
      JOIN pg_class c ON c.oid = p.partrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
     WHERE p.partrelid = parent AND p.partstrat = 'r' AND p.partnatts = 1;
    IF parent_name IS NULL THEN
        RAISE EXCEPTION '% is not a table partitioned by a range of one column', parent;
    END IF;
    month := date_trunc('month', month)::date;
    part_name := parent_name || '_p' || to_char(month, 'YYYY_MM');
    IF to_regclass(format('%I.%I', schema_name, part_name)) IS NOT NULL THEN
        RETURN 'exists';
    END IF;
    low := month::timestamp AT TIME ZONE time_zone;
    high := (month + interval '1 month')::timestamp AT TIME ZONE time_zone;
    IF default_part IS NOT NULL THEN
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s WHERE %I >= $1 AND %I < $2)', default_part, key_column,
                       key_column) INTO busy USING low, high;
        IF busy THEN
            RETURN 'blocked';
        END IF;
    END IF;
    EXECUTE format('CREATE TABLE %I.%I PARTITION OF %I.%I FOR VALUES FROM (%L) TO (%L)', schema_name, part_name,
                   schema_name, parent_name, low, high);
    -- The new table got the owner's default privileges (core/db_app_role.py grants UPDATE and DELETE by
    -- default); give it exactly the parent's instead, so an append-only parent's partition is one too.
    FOR grant_row IN
        SELECT DISTINCT a.grantee::regrole AS grantee FROM pg_class c, aclexplode(c.relacl) a
        WHERE c.oid = format('%I.%I', schema_name, part_name)::regclass AND a.grantee <> c.relowner
          AND a.grantee <> 0
    LOOP
        EXECUTE format('REVOKE ALL ON %I.%I FROM %s', schema_name, part_name, grant_row.grantee);
    END LOOP;
    FOR grant_row IN
        SELECT a.grantee::regrole AS grantee, a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
        WHERE c.oid = parent AND a.grantee <> c.relowner AND a.grantee <> 0
    LOOP
        EXECUTE format('GRANT %s ON %I.%I TO %s', grant_row.privilege_type, schema_name, part_name,
                       grant_row.grantee);
    END LOOP;
    PERFORM {schema}.cunzhan_partition_guard(format('%I.%I', schema_name, part_name)::regclass);
    RETURN 'created';
END;
$$;
"""
DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS cunzhan_month_partition(regclass, date, text);
DROP FUNCTION IF EXISTS cunzhan_partition_guard(regclass);
"""


class PartitioningRefused(RuntimeError):
    """The table cannot be converted as it stands (a foreign key points to it, a unique key lacks the month)."""


def install_functions(schema_editor) -> None:
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            (schema,) = cursor.fetchone()
        # SECURITY DEFINER functions search nothing but pg_catalog: one calls the other by its schema.
        schema_editor.execute(FUNCTIONS.replace("{schema}", connection.ops.quote_name(schema)), params=None)


def drop_functions(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_FUNCTIONS, params=None)


# --- months ------------------------------------------------------------------------------------------


def month_start(moment: datetime.datetime | datetime.date, time_zone: str | None = None) -> datetime.date:
    """The first day of the calendar month holding `moment` in `time_zone` (settings.TIME_ZONE)."""
    if isinstance(moment, datetime.datetime):
        moment = moment.astimezone(zoneinfo.ZoneInfo(time_zone or settings.TIME_ZONE)).date()
    return moment.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def partition_name(table: str, month: datetime.date) -> str:
    return f"{table}_p{month:%Y_%m}"


# --- converting a table --------------------------------------------------------------------------------


@dataclass
class _Shape:
    """What a table carries besides its columns, read from the catalogue before it is replaced."""

    # CREATE INDEX statements (not those behind constraints)
    indexes: list[str] = field(default_factory=list)
    # (name, definition): UNIQUE, EXCLUDE, FOREIGN KEY (CHECK and NOT NULL come with LIKE)
    constraints: list[tuple[str, str]] = field(default_factory=list)
    triggers: list[str] = field(default_factory=list)  # CREATE TRIGGER statements (the table's own)
    grants: list[tuple[str, str]] = field(default_factory=list)  # (grantee, privilege)
    sequence: tuple[int, bool] | None = None  # the id sequence's (last_value, is_called)
    sequence_grants: list[tuple[str, str]] = field(default_factory=list)


_GRANTS = (
    "SELECT a.grantee::regrole::text, a.privilege_type FROM pg_class c, aclexplode(c.relacl) a"
    " WHERE c.oid = %s::regclass AND a.grantee <> c.relowner AND a.grantee <> 0"
)


def _read_shape(cursor, table: str, quote) -> _Shape:
    shape = _Shape()
    cursor.execute(
        "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE confrelid = %s::regclass AND contype = 'f'"
        " AND conrelid <> confrelid",
        [table],
    )
    referencing = cursor.fetchall()
    if referencing:
        names = ", ".join(f"{rel}.{name}" for rel, name in referencing)
        raise PartitioningRefused(
            f"{table}: foreign keys point to it ({names}); a partitioned table's unique keys "
            "include the month, so drop those keys (or reference (id, month)) first."
        )
    cursor.execute(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = %s::regclass"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)"
        " ORDER BY i.indexrelid",
        [table],
    )
    # A partitioned table's own index reads "ON ONLY t"; made anew on the new table it covers every partition.
    shape.indexes = [definition.replace(" ON ONLY ", " ON ", 1) for (definition,) in cursor.fetchall()]
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass"
        " AND contype IN ('u', 'x', 'f') AND conparentid = 0 ORDER BY contype DESC, conname",
        [table],
    )
    shape.constraints = cursor.fetchall()
    cursor.execute(
        "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal"
        " AND tgparentid = 0 ORDER BY tgname",
        [table],
    )
    shape.triggers = [definition for (definition,) in cursor.fetchall()]
    cursor.execute(_GRANTS, [table])
    shape.grants = cursor.fetchall()
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    (sequence,) = cursor.fetchone()
    if sequence:
        cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
        shape.sequence = cursor.fetchone()
        cursor.execute(_GRANTS, [sequence])
        shape.sequence_grants = cursor.fetchall()
    return shape


def _copy_rows(cursor, source: str, target: str, batch_rows: int) -> int:
    cursor.execute(f"SELECT min(id), max(id), count(*) FROM {source}")
    low, high, count = cursor.fetchone()
    if count:
        start = low
        while start <= high:
            cursor.execute(
                f"INSERT INTO {target} SELECT * FROM {source} WHERE id >= %s AND id < %s",
                [start, start + batch_rows],
            )
            start += batch_rows
    return count


_INDEX = re.compile(r"^(CREATE (?:UNIQUE )?INDEX) (\S+) ON (?:ONLY )?(\S+) (USING .*)$", re.DOTALL)


def _convert(
    schema_editor,
    table: str,
    *,
    column: str | None,
    months_ahead: int,
    batch_rows: int,
    now: datetime.datetime | None,
) -> None:
    """Build the new table beside the old one (rows, primary key, indexes, foreign keys, statistics) while
    the old one takes reads but no writes, then swap them: only the swap holds readers out."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    time_zone = settings.TIME_ZONE
    new = f"{table}__new"
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [table])
        if (cursor.fetchone()[0] == "p") == (column is not None):
            return  # already in the shape asked for
        cursor.execute(f"LOCK TABLE {quote(table)} IN EXCLUSIVE MODE")  # reads go on, writes wait
        shape = _read_shape(cursor, table, quote)
        if column is not None:
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN ('u', 'x')"
                " AND NOT (SELECT attnum FROM pg_attribute WHERE attrelid = %s::regclass AND attname = %s)"
                " = ANY (conkey)",
                [table, table, column],
            )
            if without := [name for (name,) in cursor.fetchall()]:
                raise PartitioningRefused(
                    f"{table}: unique constraints without {column}: {', '.join(without)}"
                )
        if foreign_keys := [
            name for name, definition in shape.constraints if definition.startswith("FOREIGN KEY")
        ]:
            # Rows inserted earlier in this transaction wait for their (deferred) key checks, and a table with
            # pending checks cannot be dropped: check them now.
            cursor.execute(f"SET CONSTRAINTS {', '.join(quote(name) for name in foreign_keys)} IMMEDIATE")
        cursor.execute(
            f"CREATE TABLE {quote(new)} (LIKE {quote(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS"
            " INCLUDING IDENTITY INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS)"
            + (f" PARTITION BY RANGE ({quote(column)})" if column else "")
        )
        if column is not None:
            current = month_start(now or datetime.datetime.now(datetime.UTC), time_zone)
            cursor.execute(f"SELECT min({quote(column)}) FROM {quote(table)}")
            (oldest,) = cursor.fetchone()
            first = current
            if oldest is not None:
                first = min(
                    current, max(month_start(oldest, time_zone), add_months(current, -MONTHS_BACK_LIMIT))
                )
            for month in months_between(first, add_months(current, months_ahead)):
                cursor.execute(
                    "SELECT cunzhan_month_partition(%s::regclass, %s, %s)", [new, month, time_zone]
                )
            cursor.execute(f"CREATE TABLE {quote(new + '_default')} PARTITION OF {quote(new)} DEFAULT")
        _copy_rows(cursor, quote(table), quote(new), batch_rows)
        # The keys and indexes under provisional names (index names are unique in the schema).
        primary_key = f"id, {quote(column)}" if column else "id"
        cursor.execute(
            f"ALTER TABLE {quote(new)} ADD CONSTRAINT {quote(new + '_pkey')} PRIMARY KEY ({primary_key})"
        )
        indexes = []
        for definition in shape.indexes:
            match = _INDEX.match(definition)
            if match is None:
                raise PartitioningRefused(f"{table}: an index this code cannot copy: {definition}")
            name = match[2].strip('"')
            indexes.append(name)
            cursor.execute(f"{match[1]} {quote(name + '__new')} ON {quote(new)} {match[4]}")
        for name, definition in shape.constraints:
            cursor.execute(f"ALTER TABLE {quote(new)} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute(f"ANALYZE {quote(new)}")
        # The swap: from here until the migration commits, readers of the table wait too.
        cursor.execute(f"DROP TABLE {quote(table)}")
        cursor.execute(f"ALTER TABLE {quote(new)} RENAME TO {quote(table)}")
        for partition in _partitions(cursor, table):
            if partition.startswith(new):
                cursor.execute(
                    f"ALTER TABLE {quote(partition)} RENAME TO {quote(table + partition[len(new) :])}"
                )
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_index x ON x.indrelid = i.inhrelid"
            " JOIN pg_class c ON c.oid = x.indexrelid WHERE i.inhparent = %s::regclass",
            [table],
        )
        for (index,) in cursor.fetchall():  # the partitions' own indexes, named after them when made
            if index.startswith(new + "_"):
                cursor.execute(f"ALTER INDEX {quote(index)} RENAME TO {quote(table + index[len(new) :])}")
        cursor.execute(
            f"ALTER TABLE {quote(table)} RENAME CONSTRAINT {quote(new + '_pkey')} TO {quote(table + '_pkey')}"
        )
        for name in indexes:
            cursor.execute(f"ALTER INDEX {quote(name + '__new')} RENAME TO {quote(name)}")
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = cursor.fetchone()
        if sequence:
            cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {quote(table + '_id_seq')}")
            if shape.sequence:
                cursor.execute("SELECT setval(%s, %s, %s)", [f"{table}_id_seq", *shape.sequence])
            for grantee, privilege in shape.sequence_grants:
                cursor.execute(f"GRANT {privilege} ON SEQUENCE {quote(table + '_id_seq')} TO {grantee}")
        for definition in shape.triggers:
            cursor.execute(definition)
        for grantee, privilege in shape.grants:
            cursor.execute(f"GRANT {privilege} ON {quote(table)} TO {grantee}")
        # Row triggers are cloned onto the partitions by PostgreSQL; statement (TRUNCATE) triggers and
        # grants are not.
        for partition in _partitions(cursor, table):
            cursor.execute("SELECT cunzhan_partition_guard(%s::regclass)", [partition])
            for grantee, privilege in shape.grants:
                cursor.execute(f"GRANT {privilege} ON {partition} TO {grantee}")


def table_partition_by_month(
    schema_editor,
    table: str,
    column: str,
    *,
    months_ahead: int = MONTHS_AHEAD,
    batch_rows: int = BATCH_ROWS,
    now: datetime.datetime | None = None,
) -> None:
    """Convert the plain table `table` in place into one RANGE partitioned by `column`, a month a partition:
    the months its rows span (at most MONTHS_BACK_LIMIT back), `months_ahead` more, and a default.
    Does nothing on SQLite or when the table is partitioned already."""
    _convert(schema_editor, table, column=column, months_ahead=months_ahead, batch_rows=batch_rows, now=now)


def table_unpartition(schema_editor, table: str, *, batch_rows: int = BATCH_ROWS) -> None:
    """Convert the partitioned `table` back into one plain table with PRIMARY KEY (id), keeping its rows
    (the reverse migration). Does nothing on SQLite or when the table is plain already."""
    _convert(schema_editor, table, column=None, months_ahead=0, batch_rows=batch_rows, now=None)


def _partitions(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass ORDER BY 1", [table]
    )
    return [name for (name,) in cursor.fetchall()]


# --- keeping months ahead, reporting old ones ------------------------------------------------------------


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
