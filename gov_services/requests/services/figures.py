"""Telling the apps that keep figures derived from requests (reports' daily rollups) that requests changed.

gov_services sits below reports and cannot import it, so reports registers a listener here once
(reports/apps.py) and every service that changes what a report counts — a request filed, a move (accept,
return, resubmit, complete, rate, re-rate, reroute…), a rating set aside — calls
`request_figures_changed` before its transaction ends (request_event_record does, for every action but those
in workflow.FIGURES_UNCHANGED). The listener updates its own tables in the same
transaction: the figures and the requests commit, or roll back, together. This is not a signal: the call is
explicit in each service, and a listener holds no domain logic (it recounts, it never decides).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

_listeners: list[Callable[..., None]] = []
_batches = threading.local()  # the ids noted by request_figures_batched() blocks open in this thread
BATCH_CHUNK = 100  # ids per listener call at the end of a batch: a recount's cells stay a short OR


def request_figures_listen(listener: Callable[..., None]) -> None:
    """Register `listener(*, request_ids)`; registering the same function twice keeps one."""
    if listener not in _listeners:
        _listeners.append(listener)


def request_figures_changed(*, request_ids: Iterable[int]) -> None:
    """The requests `request_ids` changed (in the caller's transaction): every listener recounts them."""
    ids = sorted({pk for pk in request_ids if pk is not None})
    if not ids:
        return
    batch = getattr(_batches, "ids", None)
    if batch is not None:
        batch.update(ids)
        return
    for listener in _listeners:
        listener(request_ids=ids)


@contextmanager
def request_figures_batched() -> Iterator[None]:
    """Bulk work that moves many requests, each several times (the demo county's seeding): inside the block
    the changes are only noted, and at its end every listener recounts each changed request once, still in
    the caller's transaction. Figures read inside the block are as they were before it. A block that raises
    recounts nothing (its transaction is rolled back). Blocks nest: the outermost one recounts."""
    if getattr(_batches, "ids", None) is not None:
        yield
        return
    _batches.ids = set()
    try:
        yield
        ids = sorted(_batches.ids)
    finally:
        _batches.ids = None
    for start in range(0, len(ids), BATCH_CHUNK):
        chunk = ids[start:start + BATCH_CHUNK]
        for listener in _listeners:
            listener(request_ids=chunk)
