"""How the supervision sweep writes: in batches of BATCH_SIZE rows, or on PostgreSQL as one INSERT … SELECT
… ON CONFLICT statement per card level and escalation step (the helpers that embed a queryset in such a
statement live here too)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.db import connection

BATCH_SIZE = 2000


def in_batches(items: Sequence) -> Iterator[Sequence]:
    """`items` a batch of BATCH_SIZE at a time (read at each call: a test makes the batches small)."""
    for start in range(0, len(items), BATCH_SIZE):
        yield items[start:start + BATCH_SIZE]


def set_based() -> bool:
    """PostgreSQL writes cards, escalations and their events with INSERT … SELECT … ON CONFLICT; the
    portable path (SQLite, the tests' default) reads the due rows into Python and bulk-inserts them.
    Both issue exactly the same rows."""
    return connection.vendor == "postgresql"


def sql_of(queryset) -> tuple[str, tuple]:
    """A queryset's SELECT as SQL and parameters, to be embedded in a hand-written statement."""
    return queryset.order_by().query.sql_with_params()


def table_name(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# datetime.isoformat() of an aware UTC datetime, in SQL: the event data is the same on both paths.
ISO_UTC_SQL = ("to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
               "extract(microseconds FROM {col})::bigint %% 1000000 = 0 THEN '' "
               "ELSE to_char({col} AT TIME ZONE 'UTC', '.US') END || '+00:00'")
