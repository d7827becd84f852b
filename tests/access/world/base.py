"""The world's vocabulary: the roles, a `Thing` a URL can name, a county's `Side`, the `World` that holds
them; and what its builders share (a user with a fresh phone number, one sequence of ID numbers)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from accounts.roles import Role
from tests.factories import UserFactory

# The roles of the matrix. `county_finance` is not a Role of its own: the demo (demo/seeding/agency.py
# `_county_finance`) makes it a second county-admin assignment, so that statements are approved by
# someone other than their maker; the matrix builds it the same way.
ROLES = ("anonymous", "resident", "operator", "liaison", "officer", "department_head", "township_admin",
         "county_admin", "county_finance", "merchant", "editor", "superuser")

_phones = itertools.count(13700000001)


def phone() -> str:
    return str(next(_phones))


@dataclass
class Thing:
    """One object a URL can name. `attrs` are the values URL kwargs take from it; `tags` who owns it."""

    kind: str
    state: str
    attrs: dict
    tags: dict
    obj: object = field(repr=False, default=None)


@dataclass
class Side:
    name: str
    county: object = None
    townships: dict = field(default_factory=dict)      # "T1" → Region
    stations: dict = field(default_factory=dict)       # "S11" → Station
    departments: dict = field(default_factory=dict)    # "D1" → Department
    operators: dict = field(default_factory=dict)      # "S11" → User
    items: dict = field(default_factory=dict)          # "D1" → ServiceItem
    merchants: dict = field(default_factory=dict)      # "M1" → Merchant
    users: dict = field(default_factory=dict)          # role → User

    def tags_of_station(self, key: str) -> dict:
        return {"county": self.name, "township": f"{self.name}.T{key[1]}", "station": f"{self.name}.{key}"}


@dataclass
class World:
    sides: dict = field(default_factory=dict)
    things: list = field(default_factory=list)
    actors: dict = field(default_factory=dict)     # role → the side-A user playing it
    api_keys: dict = field(default_factory=dict)   # role → the raw key of that user's API key
    product: object = None                          # the till's product (a bill payment)
    document_url: str = ""                          # a Wagtail document's public URL
    clients: dict = field(default_factory=dict)     # role → a test client signed in as the role's user
    cookies: dict = field(default_factory=dict)     # role → the client's cookies right after signing in

    @property
    def anonymous_client(self):
        return self.clients["anonymous"]

    def add(self, kind: str, obj, *, state: str = "", tags: dict, **attrs) -> Thing:
        thing = Thing(kind=kind, state=state, attrs={"pk": getattr(obj, "pk", None), **attrs}, tags=tags, obj=obj)
        self.things.append(thing)
        return thing

    def of(self, kind: str, state: str = "") -> list[Thing]:
        return [t for t in self.things if t.kind == kind and (not state or t.state == state)]


def make_user(role: Role | None, **fields):
    return UserFactory(roles=[role] if role else [], phone=phone(), **fields)


# ID numbers of the residents requests are filed for and of the households' members: one sequence, so that
# none repeats.
id_numbers = itertools.count(100)
