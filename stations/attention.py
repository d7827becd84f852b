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

from django.urls import reverse
from django.utils.translation import gettext as _

from stations.models import Region, StaffAssignment, Station
from stations.scope import scope_for
from stations.selectors import station_list


@dataclass(frozen=True)
class Attention:
    label: str           # what needs doing, in the reader's language
    url: str             # where it is done
    count: int | None = None
    urgent: bool = False  # past a deadline or blocking work (shown first, in the warning colour)
    step: int | None = None  # a new county's set-up step: listed in step order, before the rest


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
    return sorted(items, key=lambda item: (not item.urgent, item.step is None, item.step or 0))


# --- stations' own items: the set-up steps a new county still has to take, then the gaps that stay ---------

def region_setup_attention(user, region: Region):
    """A county with no townships yet: its tree is imported first (everything else hangs on it)."""
    if not scope_for(user).is_county_admin or region.level != Region.Level.COUNTY:
        return []
    if Region.objects.filter(path__startswith=region.path, level=Region.Level.TOWNSHIP).exists():
        return []
    return [Attention(label=_("Set-up, step 1: import the county's townships and villages"),
                      url=reverse("stations:region-import"), step=1)]


def station_setup_attention(user, region: Region):
    """Open stations where nobody is posted to the counter; with no station at all, set-up step 2."""
    stations = station_list(user=user)
    staffed = StaffAssignment.objects.active().filter(role=StaffAssignment.Role.OPERATOR).values("station_id")
    count = stations.filter(status=Station.Status.OPEN).exclude(pk__in=staffed).count()
    if count:
        return counted(_("Open stations without an operator"),
                       f"{reverse('stations:station-list')}?status={Station.Status.OPEN.value}", count)
    if scope_for(user).is_county_admin and not stations.exists():
        return [Attention(label=_("Set-up, step 2: add or import the stations"),
                          url=reverse("stations:station-import"), step=2)]
    return []


SOURCES = (region_setup_attention, station_setup_attention)
