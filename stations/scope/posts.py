"""A person's posts (station, region, department, care desk, merchant) and the registry through which
the apps above stations contribute theirs: what a Scope is built from."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from accounts.roles import Role
from stations.models import Region, Station

STATION_ROLES = (Role.OPERATOR, Role.LIAISON)


@dataclass(frozen=True)
class StationPost:
    station_id: int
    role: str
    village_path: str
    station: Station | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class RegionPost:
    region_id: int
    role: str
    path: str
    level: str
    region: Region | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class DepartmentPost:
    department_id: int
    is_head: bool
    region_path: str


@dataclass(frozen=True)
class CareDeskPost:
    """A care operator's desk (care's CareDesk): the calls and registries of one region."""

    region_id: int
    path: str


@dataclass(frozen=True)
class MerchantPost:
    partner_id: int
    merchant_id: int | None


# Upper apps contribute posts: kind → loader(user_id) → the posts (one query each).
_POST_LOADERS: dict[str, Callable[[int], Iterable]] = {}


def register_posts(kind: str, loader: Callable[[int], Iterable]) -> None:
    """Called from an AppConfig.ready(): "departments" (gov_services), "merchants" (shop), "care_desks" (care)."""
    if kind not in ("departments", "merchants", "care_desks"):
        raise ValueError(f"unknown kind of post {kind!r}")
    _POST_LOADERS[kind] = loader
