"""Did a request change the database? Two independent witnesses, neither of them the status code.

* `WriteJournal` records every INSERT, UPDATE and DELETE that went through Django's connection with
  the number of rows the database says it touched (the cursor's rowcount), and forgets what a
  rollback to a savepoint undid — so a view that writes and then refuses (ATOMIC_REQUESTS rolls it
  back) leaves nothing, and a write that really stayed is named with its table.
* `fingerprint` is the state: the row count of every table, the newest id of the append-only ones (the
  audit trail, the request events, the till's journals …) and the row of the object the POST named.
"""

from __future__ import annotations

import hashlib
import re
from contextlib import contextmanager

from django.db import connection

_WRITE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_SAVEPOINT = re.compile(r'^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\s+"?(\w+)"?', re.IGNORECASE)

# Tables any request may write without that being a change of anything a user owns, and why.
NOISE = {
    "django_session": "a session is saved when it is touched (messages, the shopper's station)",
    "accounts_apikey": "an API key's last use is stamped on every call it authenticates",
    "basket_basket": "Oscar's basket middleware opens a basket for a signed-in visitor of the store",
    "analytics_userrecord": "Oscar's analytics count page views",
    "analytics_productrecord": "Oscar's analytics count product views",
    "analytics_userproductview": "Oscar's analytics record product views",
    "analytics_usersearch": "Oscar's analytics record searches",
}


def _inserts_without_count(sql: str) -> bool:
    """SQLite reports no rowcount for INSERT … RETURNING until its rows are read (after this wrapper):
    such an INSERT wrote its rows unless it may skip them (ON CONFLICT / OR IGNORE)."""
    text = sql.upper()
    return text.lstrip().startswith("INSERT") and "RETURNING" in text and "CONFLICT" not in text \
        and "OR IGNORE" not in text


class WriteJournal:
    """A connection execute-wrapper: which tables got rows written (and kept) while it was installed."""

    def __init__(self):
        self._frames: list[tuple[str | None, list[tuple[str, int]]]] = [(None, [])]

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        self._observe(sql, context["cursor"])
        return result

    def _observe(self, sql: str, cursor) -> None:
        savepoint = _SAVEPOINT.match(sql)
        if savepoint:
            verb, name = savepoint.group(1).upper(), savepoint.group(2)
            if verb == "SAVEPOINT":
                self._frames.append((name, []))
            elif verb == "RELEASE SAVEPOINT":
                self._unwind(name, keep=True)
            else:  # ROLLBACK TO SAVEPOINT: its writes are undone; the savepoint itself remains
                index = self._index(name)
                if index is not None:
                    del self._frames[index + 1:]
                    self._frames[index] = (name, [])
            return
        write = _WRITE.match(sql) or (sql.lstrip()[:4].upper() == "WITH" and _WRITE.search(sql))
        if write and (cursor.rowcount != 0 or _inserts_without_count(sql)):
            self._frames[-1][1].append((write.group(1).lower(), cursor.rowcount))

    def _index(self, name: str) -> int | None:
        return next((i for i in range(len(self._frames) - 1, 0, -1) if self._frames[i][0] == name), None)

    def _unwind(self, name: str, *, keep: bool) -> None:
        index = self._index(name)
        if index is None:
            return
        kept = [w for _name, writes in self._frames[index:] for w in writes]
        del self._frames[index:]
        if keep:
            self._frames[-1][1].extend(kept)

    def tables(self) -> dict[str, int]:
        """Rows written per table (noise left out)."""
        counts: dict[str, int] = {}
        for _name, writes in self._frames:
            for table, rows in writes:
                if table not in NOISE:
                    counts[table] = counts.get(table, 0) + max(rows, 1)
        return counts


@contextmanager
def journal():
    recorder = WriteJournal()
    with connection.execute_wrapper(recorder):
        yield recorder


# Append-only tables (and the outbox) whose newest id is part of the state: a row added and another
# removed would leave the count as it was, not the newest id.
WATCHED = ("core_auditevent", "gov_services_requestevent", "agency_journal", "agency_ledgerentry",
           "shop_orderpartevent", "core_smsoutboxmessage")


_TABLES: dict[str, list[str]] = {}


def _tables() -> list[str]:
    """The tables to count, introspected once per database (the tests change rows, never the schema)."""
    name = connection.settings_dict["NAME"]
    if name not in _TABLES:
        _TABLES[name] = sorted(t for t in connection.introspection.django_table_names(only_existing=True)
                               if t not in NOISE)
    return _TABLES[name]


def fingerprint(obj=None) -> str:
    """A digest of the database's state: every table's row count, the watched tables' newest id, and
    `obj`'s row (an UPDATE of the object the POST named). One query, and one for `obj`."""
    qn = connection.ops.quote_name
    terms = [f"SELECT '{t}', COUNT(*) FROM {qn(t)}" for t in _tables()]
    terms += [f"SELECT '{t}.max', MAX(id) FROM {qn(t)}" for t in WATCHED]
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(terms))
        digest.update(repr(sorted(cursor.fetchall())).encode())
    if obj is not None:
        row = type(obj)._base_manager.filter(pk=obj.pk).values().first()
        digest.update(repr(row).encode())
    return digest.hexdigest()
