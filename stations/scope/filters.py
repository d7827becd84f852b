"""Query filters from grants: the Q that Scope.q builds, also used by reports over their frozen copy of
the grants and by selectors that narrow by a place directly."""

from __future__ import annotations

from django.db.models import Q

NOTHING = Q(pk__in=[])


def grants_q(*, everything: bool = False, region_paths=(), station_ids=(), department_ids=(), partner_ids=(),
             merchant_ids=(), user_id: int | None = None, place: str | tuple[str, ...] | None = None,
             station: str | None = None, department: str | None = None, partner: str | None = None,
             merchant: str | None = None, owner: str | None = None) -> Q:
    """The Q that Scope.q builds, from the grants themselves (reports keep their own frozen copy of them):
    rows whose place lies under one of `region_paths`, at one of `station_ids`, of one of `department_ids`,
    sold by one of `partner_ids`/`merchant_ids`, or owned by `user_id` — each through the lookup named."""
    if everything:
        return Q()
    scope = NOTHING
    if place is not None:
        for path in region_paths:
            scope |= place_q(path, place)
    for lookup, ids in ((station, station_ids), (department, department_ids), (partner, partner_ids),
                        (merchant, merchant_ids)):
        if lookup is not None and ids:
            scope |= Q(**{f"{lookup}__in": list(ids)})
    if owner is not None and user_id is not None:
        scope |= Q(**{owner: user_id})
    return scope


def place_q(path: str, place: str | tuple[str, ...], *, prefix: str = "") -> Q:
    """Rows whose place lies in the region at `path`. With several place lookups the first one set
    counts (a request's village, else its station's village …)."""
    lookups = (place,) if isinstance(place, str) else place
    q = Q(pk__in=[])
    unset: dict = {}
    for lookup in lookups:
        q |= Q(**unset, **{f"{prefix}{lookup}__startswith": path})
        unset[f"{prefix}{lookup.rsplit('__', 1)[0]}__isnull"] = True
    return q
