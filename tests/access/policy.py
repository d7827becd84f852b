"""The access policy the matrix asserts, as data: who has which workspace, what "own" means for each
role, and what each kind of visitor must get back.

The target ("One scope and access layer"):
* a public page answers 200 to everyone;
* an anonymous visitor on a staff or personal page is sent to sign in (/login/; 401 on the API;
  the Django admin and Wagtail send to their own sign-in pages);
* a signed-in person without the page's workspace gets 403 (a resident or merchant on /county/,
  /counter/ or /dept/, an operator on /county/ …);
* inside the workspace, an object out of the person's scope answers 404 — the same as an id that
  does not exist — and their own object answers the page's normal response.

"Own" is decided by the object's tags (tests/access/world/) against the role's home in county A.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.access.world import ROLES

# --- who has which workspace ------------------------------------------------------------------------------

PUBLIC = "public"          # everyone, signed in or not
SIGNED_IN = "signed in"    # anyone signed in (their own things only)
SIGNED_OUT = "signed out"  # visitors who are not signed in (Oscar's password reset): the signed-in get `refuse`

RESIDENT = frozenset({"resident"})
STATION = frozenset({"operator", "liaison"})
OPERATOR = frozenset({"operator"})
DEPARTMENT = frozenset({"officer", "department_head"})
HEAD = frozenset({"department_head"})
REGION = frozenset({"township_admin", "county_admin", "county_finance"})
COUNTY = frozenset({"county_admin", "county_finance"})
MERCHANT = frozenset({"merchant"})
EDITOR = frozenset({"editor"})
NOBODY = frozenset()  # only the superuser (the Django admin, Oscar's staff dashboard)
STAFF = STATION | DEPARTMENT | REGION

# Which tags decide whether an object is a role's own: the first of the role's scope tags that the
# object carries is compared with the role's home in county A. An object tagged "user" belongs to that
# one user only; one tagged "global" (the holiday calendar, the till's products) is everybody's.
ROLE_SCOPE = {
    "resident": ("resident",),
    "operator": ("station", "township", "county"),
    "liaison": ("station", "township", "county"),
    "officer": ("department", "county"),
    "department_head": ("department", "county"),
    "township_admin": ("township", "county"),
    "county_admin": ("county",),
    "county_finance": ("county",),
    "merchant": ("merchant",),
    "editor": (),
    "anonymous": (),
}

# Where each role of county A works: the tag values its own objects carry.
_STATION_HOME = {"county": "A", "township": "A.T1", "station": "A.S11"}
ROLE_HOME = {
    "resident": {"resident": "A"},
    "operator": _STATION_HOME,
    "liaison": _STATION_HOME,
    "officer": {"county": "A", "department": "A.D1"},
    "department_head": {"county": "A", "department": "A.D1"},
    "township_admin": {"county": "A", "township": "A.T1"},
    "county_admin": {"county": "A"},
    "county_finance": {"county": "A"},
    "merchant": {"merchant": "A.M1"},
    "editor": {},
    "anonymous": {},
}

_FOREIGN_BY_KEY = {"resident": "another resident", "merchant": "another merchant", "township": "another township",
                   "department": "another department", "county": "another county"}


def relation(role: str, tags: dict, scope: tuple[str, ...] | None = None) -> str | None:
    """None when the object is the role's own; otherwise how it is foreign ("another township" …).
    `scope` overrides the role's ROLE_SCOPE on one page (a page where a township admin reads the whole
    county; a personal page where only the "resident" tag decides)."""
    if tags.get("global"):
        return None
    if "user" in tags:
        return None if tags["user"] == f"A.{role}" else "another user"
    if role == "superuser":
        # Every place is the superuser's, but no one's personal things are (an owner-decided page).
        return None if scope is None or not {"resident", "merchant"} & set(scope) else "not theirs"
    home = ROLE_HOME[role]
    for key in scope if scope is not None else ROLE_SCOPE[role]:
        if key not in tags:
            continue
        if key not in home:
            return "not theirs"
        if tags[key] == home[key]:
            return None
        if key in ("resident", "merchant"):
            return _FOREIGN_BY_KEY[key]
        if tags.get("county") != home["county"]:
            return "another county"
        if key == "station":
            return "another station" if tags.get("township") == home.get("township") else "another township"
        return _FOREIGN_BY_KEY[key]
    return "not theirs"


# --- what a visitor gets back ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Expect:
    """An expected answer: a set of status codes, and for a redirect where it must lead."""

    name: str
    statuses: tuple[int, ...]
    location: str = ""  # a redirect's path must start with this

    def matches(self, response) -> bool:
        if response.status_code not in self.statuses:
            return False
        if self.location and response.status_code in (301, 302):
            return _path(response["Location"]).startswith(self.location)
        return True

    def __str__(self) -> str:
        return f"{self.name} ({'/'.join(map(str, self.statuses))}{' → ' + self.location if self.location else ''})"


def _path(location: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(location).path


FORBIDDEN = Expect("forbidden", (403,))
NOT_FOUND = Expect("not found", (404,))
UNAUTHORIZED = Expect("unauthorized", (401,))


def login(url: str) -> Expect:
    return Expect("sign in", (302,), url)


def ok(*statuses: int, location: str = "") -> Expect:
    return Expect("ok", statuses or (200,), location)


# A POST-only page asked with GET: refused one way or another, never shown.
NOT_SHOWN = Expect("not shown", (302, 403, 404, 405))
PAGE = Expect("ok", (200,))
DONE = Expect("ok", (200, 302))


# --- the table's vocabulary ----------------------------------------------------------------------------------

class Obj:
    """The object a URL names: a kind of world Thing, optionally in one state, and which URL kwarg takes
    which of the thing's attrs: Obj("request", "returned", pk="pk"). The first kwarg is the id that the
    "missing id" variant replaces."""

    def __init__(self, kind: str, state: str = "", *, public: bool = False, **kwargs: str):
        self.kind, self.state, self.kwargs, self.public = kind, state, kwargs, public

    def __repr__(self) -> str:
        return f"Obj({self.kind!r}{', ' + repr(self.state) if self.state else ''}, {self.kwargs})"


@dataclass(frozen=True)
class Post:
    """How a POST to the page is exercised.

    `data` is what a permitted user would send (a dict, or a function of the world Thing and the
    world). `control` is a role whose POST of `data` to its own object must change the database: the
    proof that the denied POSTs were refused for who sent them, not for what they sent. `control_ok`
    is what the control's POST answers.
    """

    data: dict | Callable = field(default_factory=dict)
    control: str | None = None
    control_ok: Expect = DONE
    why_no_control: str = ""
    content_type: str = ""  # "application/json" for the API


@dataclass(frozen=True)
class Unexercised:
    """A method the matrix does not exercise on this page, and why (e.g. a webhook needs a signature).
    `check` is the page's own assertion where one is possible: a function (client, url) → error or None."""

    reason: str
    check: Callable | None = None


@dataclass(frozen=True)
class Case:
    """One row of the expectation table: who has the page's workspace and how to exercise it."""

    who: str | frozenset
    obj: Obj | None = None
    ok: Expect = PAGE
    get: bool = True                      # False: POST-only (a GET must not show anything)
    post: Post | Unexercised | None = None  # None: the view takes no POST
    superuser: bool = True                 # whether the superuser has the workspace
    login_url: str = "/login/"
    api: bool = False                       # the JSON API: a key instead of a session, 401 instead of a sign-in page
    note: str = ""
    roles: dict = field(default_factory=dict)  # per-role Unexercised: a cell not asserted, with its reason
    values: dict | str = field(default_factory=dict)  # kwargs not taken from the object ("sample": any that fit)
    refuse: Expect = FORBIDDEN              # what a signed-in person without the workspace gets
    anonymous: Expect | None = None         # what an anonymous visitor gets, where it is not "sign in"
    post_who: str | frozenset | None = None  # who may POST, where fewer than may GET
    scopes: dict = field(default_factory=dict)  # role → tags deciding "own" on this page (else ROLE_SCOPE)
    owner: str = ""                         # the one tag deciding "own" for everyone ("resident": a personal page)
    url: str | Callable = ""                # a fixed URL, or one the world gives (patterns without kwargs names)
    foreign: Expect = NOT_FOUND             # what another's object answers (a form naming it in its body: 403 …)
    missing: bool = True                    # ask about an id that does not exist (404, as for another's)


def has_workspace(case: Case, role: str, method: str = "GET") -> bool:
    who = case.post_who if method == "POST" and case.post_who is not None else case.who
    if who == PUBLIC:
        return True
    if who == SIGNED_OUT:
        return role == "anonymous"
    if role == "anonymous":
        return False
    if role == "superuser":
        return case.superuser
    if who == SIGNED_IN:
        return True
    return role in who


def denial(case: Case, role: str) -> Expect:
    """What someone without the workspace gets."""
    if role == "anonymous":
        if case.anonymous is not None:
            return case.anonymous
        return UNAUTHORIZED if case.api else login(case.login_url)
    return case.refuse


assert set(ROLE_SCOPE) | {"superuser"} == set(ROLES)
