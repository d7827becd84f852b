"""Building a user's Scope from their posts, and caching it on the user object (once per request)."""

from __future__ import annotations

from django.db.models import QuerySet

from stations.models import StaffAssignment
from stations.scope.posts import _POST_LOADERS, RegionPost, StationPost
from stations.scope.scope import Scope

_CACHE_ATTRIBUTE = "_cz_scope"


def scope_for(user) -> Scope:
    """The scope of `user` (anonymous: nothing; superuser: everything), cached on the user object.
    Three queries for staff and residents (assignments, departments, merchants), none otherwise."""
    if user is None or not user.is_authenticated:
        return Scope()
    cached = user.__dict__.get(_CACHE_ATTRIBUTE)
    if cached is None:
        cached = _build(user)
        user.__dict__[_CACHE_ATTRIBUTE] = cached
    return cached


def scope_forget(user) -> None:
    """Drop the cached scope (a service just changed this user's posts)."""
    if user is not None:
        user.__dict__.pop(_CACHE_ATTRIBUTE, None)


def _build(user) -> Scope:
    if user.is_superuser:
        return Scope(user_id=user.pk, everything=True)
    stations, regions = [], []
    for assignment in active_assignments(user=user).order_by("started_on", "pk"):
        if assignment.station_id:
            stations.append(StationPost(assignment.station_id, assignment.role, assignment.station.village.path,
                                        assignment.station))
        else:
            region = assignment.region
            regions.append(RegionPost(region.pk, assignment.role, region.path, region.level, region))
    loaders = _POST_LOADERS
    return Scope(user_id=user.pk, stations=tuple(stations), regions=tuple(regions),
                 departments=tuple(loaders["departments"](user.pk)) if "departments" in loaders else (),
                 merchants=tuple(loaders["merchants"](user.pk)) if "merchants" in loaders else ())


def active_assignments(*, user) -> QuerySet[StaffAssignment]:
    """The user's assignments in force today (with their station, village and region)."""
    if not user.is_authenticated:
        return StaffAssignment.objects.none()
    return StaffAssignment.objects.active().filter(user=user).select_related("station", "station__village", "region")
