"""Marking reads that may come from the read replica.

A province deployment has a PostgreSQL primary and a streaming replica (docs/scale.md). The database
router (config/db_router.py) sends a read to the replica only while it runs inside `replica_reads()`:
the report pages (turned on for them by config's ReplicaReadsMiddleware), report jobs (by a Celery
signal in config/celery.py), or any query a caller marks explicitly:

    with replica_reads():
        rows = list(expensive_report_queryset)

Writes never go to the replica, whatever is marked. With no replica configured the marker does nothing.
The replica lags the primary by a little (milliseconds on a LAN), so mark only reads that can live
with that: figures and lists, never a row the same request has just written.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)

P = ParamSpec("P")
R = TypeVar("R")


def reading_from_replica() -> bool:
    """Whether the code running now has said its reads may come from the replica."""
    return _replica_reads.get()


@contextlib.contextmanager
def replica_reads(enabled: bool = True) -> Iterator[None]:
    """Reads inside this block may come from the replica (`enabled=False` forces the primary)."""
    token = _replica_reads.set(enabled)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def read_only_report(func: Callable[P, R]) -> Callable[P, R]:
    """Decorator form of `replica_reads()` for a function that only reads."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with replica_reads():
            return func(*args, **kwargs)

    return wrapper
