"""Converting a plain table in place into one partitioned by month, and back (what the migrations run)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings

from core.partitioning.months import MONTHS_AHEAD, MONTHS_BACK_LIMIT, add_months, month_start, months_between

# Rows copied per INSERT … SELECT while converting.
BATCH_ROWS = 50_000


class PartitioningRefused(RuntimeError):
    """The table cannot be converted as it stands (a foreign key points to it, a unique key lacks the month)."""


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
