"""Telling the apps that keep figures derived from requests (reports' daily rollups) that requests changed.

gov_services sits below reports and cannot import it, so reports registers a listener here once
(reports/apps.py) and every service that changes what a report counts — a request filed, a move (accept,
return, complete, pause, rate, re-rate, close, reroute…), a rating set aside — calls
`request_figures_changed` before its transaction ends. The listener updates its own tables in the same
transaction: the figures and the requests commit, or roll back, together. This is not a signal: the call is
explicit in each service, and a listener holds no domain logic (it recounts, it never decides).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

_listeners: list[Callable[..., None]] = []


def request_figures_listen(listener: Callable[..., None]) -> None:
    """Register `listener(*, request_ids)`; registering the same function twice keeps one."""
    if listener not in _listeners:
        _listeners.append(listener)


def request_figures_changed(*, request_ids: Iterable[int]) -> None:
    """The requests `request_ids` changed (in the caller's transaction): every listener recounts them."""
    ids = sorted({pk for pk in request_ids if pk is not None})
    if not ids:
        return
    for listener in _listeners:
        listener(request_ids=ids)
