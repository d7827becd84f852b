"""The chart of accounts, cached per process: rows that never change, looked up once.

Ledger accounts are append-only (the database refuses an UPDATE or DELETE of one, see
docs/database-invariants.md), so once an account's row is committed, the Account object read for
its code stays true for the life of the process. The same holds for what a posting needs to know of
regions: a region's level. Only committed rows are cached: a value is remembered by
`transaction.on_commit`, so an account created in a transaction that rolls back is never served
from the cache (its primary key may be reused). `chart_cache_clear()` forgets everything; it runs
after `flush` (post_migrate) and before every test, whose rolled-back rows would otherwise linger.

The cache is a plain dict per process and per database alias: at most a few entries per station
(its cash, card, fees, commission and float accounts) plus the regions' and the platform's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, transaction

T = TypeVar("T")

_CACHE: dict[tuple[str, str, object], object] = {}


def cached(kind: str, key: object, load: Callable[[], T], *, using: str = DEFAULT_DB_ALIAS) -> T:
    """The value cached under (kind, key), else `load()`, remembered once the current transaction
    commits (at once outside a transaction)."""
    slot = (connections[using].settings_dict["NAME"], kind, key)
    try:
        return _CACHE[slot]  # type: ignore[return-value]
    except KeyError:
        pass
    value = load()
    transaction.on_commit(lambda: _CACHE.__setitem__(slot, value), using=using)
    return value


def chart_cache_clear(**_signal_kwargs) -> None:
    _CACHE.clear()


def chart_cache_size() -> int:
    return len(_CACHE)
