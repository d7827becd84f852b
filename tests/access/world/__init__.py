"""The access matrix's world: two counties, built once per test module through the project's services.

Side "A" is where every role under test works; side "B" is a second county that exists only to be
foreign. Each county has two townships (T1, T2) with two villages each and a station in every
village (S11, S12 in T1; S21, S22 in T2), a county-level department D1 (with an officer and a head)
and a township-level department D2 serving T2, one member merchant per township that has one
(A.M1 serves A.T1, A.M2 serves A.T2, B.M1 serves B.T1), and one resident.

Every object a URL can name is recorded as a `Thing`: its kind, its state (for kinds whose pages
depend on it), the values its URLs take (`attrs`) and who it belongs to (`tags`): the county,
township, station, department, merchant, resident or user whose scope it lies in. The matrix
decides "own" and "foreign" from those tags alone (tests/access/policy.py).

The builders are one module per domain (places and people, gov_services, the till, the store, reports
and API keys; care's are tests/care/matrix_world.py); `build_world` calls them in order.
"""

from __future__ import annotations

from gov_services.requests.services.figures import request_figures_batched
from tests.access.world.base import ROLES, Side, Thing, World, phone
from tests.access.world.gov_services import (
    add_application_drafts,
    add_catalogue,
    add_requests,
    add_resident_reports,
)
from tests.access.world.places import add_grids, add_places, add_roles_without_place
from tests.access.world.reports import add_api_keys, add_reports
from tests.access.world.shop import add_oscar, add_shop
from tests.access.world.till import add_till

__all__ = ["ROLES", "Side", "Thing", "World", "build_world", "phone"]


def build_world() -> World:
    # Requests move hundreds of times here: their report rollups are counted once, at the end, as the demo's
    # seeding does (gov_services/requests/services/figures.py).
    with request_figures_batched():
        return _build()


def _build() -> World:
    world = World()
    for name in ("A", "B"):
        world.sides[name] = add_places(world, name)
    a = world.sides["A"]
    world.actors = {"anonymous": None, **a.users}
    add_roles_without_place(world)
    add_catalogue(world)
    add_requests(world)
    add_application_drafts(world)
    add_resident_reports(world)
    add_till(world)
    add_grids(world)
    add_shop(world)
    add_oscar(world)
    add_reports(world)
    add_api_keys(world)
    from tests.care.matrix_world import add_care

    add_care(world)
    return world
