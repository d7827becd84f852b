"""Tampering as the owner of the database could, for the tests of the hash chains: the append-only triggers
off for one transaction — PostgreSQL's by session_replication_role (the tests run as the superuser), SQLite's
(those named `cz_<table prefix>…`) dropped and made again."""

from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def triggers_off(sqlite_table_prefix: str):
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
            yield cursor
            return
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                       [f"cz_{sqlite_table_prefix}%"])
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f"DROP TRIGGER {name}")
        yield cursor
        for _name, sql in triggers:
            cursor.execute(sql)
