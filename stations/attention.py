"""What needs an admin's action today, for the county home.

The back office home (stations) shows it, but the work lives in the apps above: each registers, from
its AppConfig.ready(), a source that returns the items for the user and the region the home shows —
overdue requests, closes waiting for approval, a calendar year still empty. A source counts through its
app's own scoped selector (the one behind the list it links to, so the figure is what the list shows and
a township admin counts only their township), in one query, and returns nothing when there is nothing
to do, so the home lists only what needs action.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from stations.models import Region


@dataclass(frozen=True)
class Attention:
    label: str           # what needs doing, in the reader's language
    url: str             # where it is done
    count: int | None = None
    urgent: bool = False  # past a deadline or blocking work (shown first, in the warning colour)


# source(user, region): `user` is who asks (the selectors take the user and scope by stations.scope);
# `region` the region the home shows (the admin's widest; a superuser's first city).
Source = Callable[..., Iterable[Attention]]
_SOURCES: list[Source] = []


def register_attention(source: Source) -> None:
    """Called from an AppConfig.ready(); a source is asked on every visit to the county home."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def counted(label: str, url: str, count: int, *, urgent: bool = False) -> list[Attention]:
    """One item with its figure, or none when there is nothing to do."""
    return [Attention(label=label, url=url, count=count, urgent=urgent)] if count else []


def attention_for(*, user, region: Region) -> list[Attention]:
    """Every registered source's items for this user and region, the urgent first."""
    items = [item for source in _SOURCES for item in source(user, region)]
    return sorted(items, key=lambda item: not item.urgent)
