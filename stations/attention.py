"""What needs an admin's action today, for the county home.

The back office home (stations) shows it, but the work lives in the apps above: each registers, from
its AppConfig.ready(), a source that returns the items for a scope and region — overdue requests,
closes waiting for approval, a calendar year still empty. A source returns nothing when there is
nothing to do, so the home lists only what needs action.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from stations.models import Region
from stations.scope import Scope


@dataclass(frozen=True)
class Attention:
    label: str           # what needs doing, in the reader's language
    url: str             # where it is done
    count: int | None = None
    urgent: bool = False  # past a deadline or blocking work (shown first, in the warning colour)


Source = Callable[[Scope, Region], Iterable[Attention]]
_SOURCES: list[Source] = []


def register_attention(source: Source) -> None:
    """Called from an AppConfig.ready(); a source is asked on every visit to the county home."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def attention_for(*, scope: Scope, region: Region) -> list[Attention]:
    """Every registered source's items for this admin's region, the urgent first."""
    items = [item for source in _SOURCES for item in source(scope, region)]
    return sorted(items, key=lambda item: not item.urgent)
