"""One way to lock a row for the rest of a transaction, on both databases.

PostgreSQL locks the row (SELECT … FOR UPDATE): a second transaction waits, then reads what the first
committed. SQLite has no row locks and Django ignores select_for_update there; worse, a transaction that has
read and then writes after another connection committed fails at once with "database is locked" (its
snapshot is stale; SQLite does not wait). So on SQLite the database's write lock is taken first, by a write
that changes nothing: the second transaction waits for it (the connection's timeout), then reads the
first's result — the same order PostgreSQL gives. Use it as the first statement of the transaction.
"""

from django.db import connection
from django.db.models import F, Model, QuerySet


def locked_row(queryset: QuerySet) -> Model | None:
    """The one row `queryset` selects, locked until the transaction ends; None when there is none."""
    if connection.vendor == "sqlite":
        key = queryset.model._meta.pk.attname
        queryset.update(**{key: F(key)})  # takes SQLite's write lock (waits for it) before anything is read
    return queryset.select_for_update().first()
