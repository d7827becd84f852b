"""Runs one pattern's row of the matrix: every role, every variant of the object, GET and POST.

A row is a list of cells; each cell is one request (a role, a method, an object variant — own, each
kind of foreign, a missing id) with the answer the policy expects. A refused POST must also leave the
database as it was (tests/access/db_changes.py); the row's positive control proves that the same POST
by someone allowed does change it.
"""

from __future__ import annotations

import copy
import json
import os
import time
from dataclasses import dataclass, field, replace

from django.db import transaction

from tests.access import db_changes
from tests.access.patterns import Pattern, sample_values
from tests.access.policy import (
    NOT_FOUND,
    NOT_SHOWN,
    PUBLIC,
    SIGNED_IN,
    Case,
    Expect,
    Post,
    Unexercised,
    denial,
    has_workspace,
    relation,
)
from tests.access.world import ROLES, Thing, World

MISSING_INT = 987654321
MISSING_STR = "ZZ99999999"


@dataclass
class Cell:
    role: str
    method: str
    variant: str            # "own", "another township", "missing id", "" (no object) …
    url: str
    expected: Expect
    thing: Thing | None = None


@dataclass
class Outcome:
    """What a row found: failing cells (with a line each), leaks among them, and cells not asserted."""

    key: str
    route: str
    failures: list[dict] = field(default_factory=list)
    unexercised: list[str] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0

    def fail(self, cell: Cell | None, got: str, *, leak: bool = False, expected: str = "") -> None:
        self.failures.append({
            "key": self.key, "route": self.route, "method": cell.method if cell else "",
            "role": cell.role if cell else "", "variant": cell.variant if cell else "", "url": cell.url if cell else "",
            "expected": expected or (str(cell.expected) if cell else ""), "got": got, "leak": leak})

    def lines(self) -> list[str]:
        return [f"{'LEAK ' if f['leak'] else ''}{f['method']} {f['url']} as {f['role']} ({f['variant'] or 'page'}):"
                f" expected {f['expected']}, got {f['got']}" for f in self.failures]


# --- choosing the objects ----------------------------------------------------------------------------------

def _things(world: World, case: Case) -> list[Thing]:
    return world.of(case.obj.kind, case.obj.state) if case.obj else []


def _values(pattern: Pattern, case: Case, thing: Thing | None, *, missing: bool = False) -> dict:
    """The URL's kwargs: the case's fixed values and the object's (an "=literal" is taken as it is);
    with `missing`, the object's id replaced by one that does not exist."""
    if case.obj is None:
        return case_values(pattern, case)
    values = {}
    for position, (kwarg, attr) in enumerate(case.obj.kwargs.items()):
        if attr.startswith("="):
            values[kwarg] = attr[1:]
        else:
            values[kwarg] = thing.attrs[attr]
        if missing and position == 0:
            values[kwarg] = MISSING_INT if isinstance(values[kwarg], int) else MISSING_STR
    return {**case_values(pattern, case), **values}


def case_values(pattern: Pattern, case: Case) -> dict:
    """Kwarg values the case fixes (or, for pages whose object does not matter, sample ones)."""
    if case.values == "sample":
        return sample_values(pattern)
    return dict(case.values)


def _url(pattern: Pattern, case: Case, world: World, thing: Thing | None, *, missing: bool = False) -> str:
    if case.url:
        return case.url(world) if callable(case.url) else case.url
    return pattern.url(_values(pattern, case, thing, missing=missing))


def _relation(case: Case, role: str, thing: Thing) -> str | None:
    if case.obj is not None and case.obj.public:
        return None
    return relation(role, thing.tags, (case.owner,) if case.owner else case.scopes.get(role))


def _own(case: Case, things: list[Thing], role: str) -> Thing | None:
    return next((t for t in things if _relation(case, role, t) is None), None)


def _foreign(case: Case, things: list[Thing], role: str) -> dict[str, Thing]:
    found: dict[str, Thing] = {}
    for thing in things:
        label = _relation(case, role, thing)
        if label is not None and label not in found:
            found[label] = thing
    return found


def cells(pattern: Pattern, case: Case, world: World, method: str) -> list[Cell]:
    """The requests of a row for one method, each with its expected answer."""
    things = _things(world, case)
    result = []
    for role in ROLES:
        if role in case.roles:
            continue
        if not has_workspace(case, role, method):
            # Refused at the door: asked about the first object (county A's), or the page itself.
            thing = things[0] if things and (case.obj.kwargs or method == "POST") else None
            result.append(Cell(role, method, "no workspace", _url(pattern, case, world, thing), denial(case, role),
                                thing))
            continue
        if case.obj is None or (not case.obj.kwargs and method == "GET"):
            # No object in the URL (or only in a POST's form): one question about the page itself.
            if method == "GET" and case.get:
                result.append(Cell(role, method, "", _url(pattern, case, world, None), case.ok))
            continue
        own = _own(case, things, role)
        if method == "GET" and case.get and own is not None:
            result.append(Cell(role, method, "own", _url(pattern, case, world, own), case.ok, own))
        elif own is None and case.who not in (PUBLIC, SIGNED_IN) and role != "superuser" and method == "GET":
            raise AssertionError(f"the world has no {case.obj.kind}[{case.obj.state}] of {role}'s own for "
                                 f"{pattern.key}: add one to its domain's module under tests/access/world/")
        if case.who == PUBLIC:
            continue
        for label, thing in _foreign(case, things, role).items():
            result.append(Cell(role, method, label, _url(pattern, case, world, thing), case.foreign, thing))
        if things and case.obj.kwargs and not case.obj.public and case.missing:
            # The URL names an id that does not exist; a POST's form is still filled from a real object.
            result.append(Cell(role, method, "missing id", _url(pattern, case, world, things[0], missing=True),
                               NOT_FOUND, things[0]))
    if method == "GET" and not case.get:
        for cell in result:
            cell.expected = NOT_SHOWN if cell.expected.name != "sign in" else cell.expected
    return result


# --- asking ---------------------------------------------------------------------------------------------------

def _headers(case: Case, world: World, role: str) -> dict:
    if case.api and role in world.api_keys:
        return {"HTTP_AUTHORIZATION": f"Bearer {world.api_keys[role]}"}
    return {}


def _client(world: World, case: Case, role: str):
    # The API authenticates by key alone: its calls go out without a session.
    return world.anonymous_client if case.api else world.clients[role]


def _send(world: World, case: Case, cell: Cell, data=None):
    client = _client(world, case, cell.role)
    headers = _headers(case, world, cell.role)
    try:
        if cell.method == "GET":
            response = client.get(cell.url, **headers)
        elif isinstance(case.post, Post) and case.post.content_type:
            response = client.post(cell.url, data=json.dumps(data or {}, default=str),
                                   content_type=case.post.content_type, **headers)
        else:
            response = client.post(cell.url, data=data or {}, **headers)
    except Exception as error:  # a 500: the view raised
        return None, f"{type(error).__name__}: {str(error)[:160]}"
    if getattr(response, "streaming", False):
        # Read to the end: the test client's wrapper then closes the file without closing the database
        # connection (response.close() here would fire request_finished and close it mid-transaction).
        b"".join(response.streaming_content)
    return response, ""


def _sign_in_again(world: World) -> None:
    """Each client back on the session it signed in with: a row that signs out (a logout page) or is
    handed a new session rolls back its rows, but the client would keep the new cookie."""
    for role, client in world.clients.items():
        client.cookies = copy.deepcopy(world.cookies[role])


def _shows_anothers(case: Case, cell: Cell, response) -> bool:
    """A 200 for an object that is not the asker's: someone else's data was shown."""
    return (response.status_code == 200 and cell.thing is not None and cell.variant != "missing id"
            and _relation(case, cell.role, cell.thing) is not None)


def _describe(response) -> str:
    where = f" → {response['Location']}" if response.status_code in (301, 302, 303) and "Location" in response else ""
    return f"{response.status_code}{where}"


def _post_data(post: Post, thing: Thing | None, world: World) -> dict:
    return post.data(thing, world) if callable(post.data) else dict(post.data)


def run_row(pattern: Pattern, case: Case, world: World) -> Outcome:
    started = time.perf_counter()
    outcome = _run_row(pattern, case, world)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _run_row(pattern: Pattern, case: Case, world: World) -> Outcome:
    _sign_in_again(world)
    outcome = Outcome(pattern.key, pattern.route)
    if pattern.takes_post and case.post is None:
        outcome.fail(None, "the view answers POST but the row has no `post`",
                     expected="a Post(...) or an Unexercised(reason) for POST")
    if pattern.takes_post is False and isinstance(case.post, Post):
        if case.values != "sample":  # a "prefix/*" row posts only where its views take POST
            outcome.fail(None, "the row posts to a view that takes no POST", expected="post=None")
        case = replace(case, post=None)
    outcome.unexercised += [f"{role}: {why.reason}" for role, why in case.roles.items()]
    with transaction.atomic():  # some GETs write (Oscar cancels an alert on GET): the POSTs start afresh
        _run_gets(pattern, case, world, outcome)
        transaction.set_rollback(True)
    if isinstance(case.post, Post):
        _run_posts(pattern, case, world, outcome)
    elif isinstance(case.post, Unexercised):
        outcome.unexercised.append(f"POST: {case.post.reason}")
        if case.post.check is not None:
            error = case.post.check(world, pattern)
            outcome.requests += 1
            if error:
                outcome.fail(None, error, expected=case.post.reason)
    return outcome


def _run_gets(pattern: Pattern, case: Case, world: World, outcome: Outcome) -> None:
    for cell in cells(pattern, case, world, "GET"):
        with db_changes.journal() as writes:
            response, error = _send(world, case, cell)
        outcome.requests += 1
        written = writes.tables()
        if written and cell.variant not in ("own", "missing id") and cell.thing is not None \
                and _relation(case, cell.role, cell.thing):
            outcome.fail(cell, f"the GET changed the database: {written}", leak=True, expected="no change")
        if response is None:
            outcome.fail(cell, error)
        elif not cell.expected.matches(response):
            outcome.fail(cell, _describe(response), leak=_shows_anothers(case, cell, response))


def _run_posts(pattern: Pattern, case: Case, world: World, outcome: Outcome) -> None:
    post = case.post
    refused = [c for c in cells(pattern, case, world, "POST") if c.variant not in ("own", "")]
    before = db_changes.fingerprint()
    for cell in refused:
        data = _post_data(post, cell.thing, world)
        with db_changes.journal() as writes:
            response, error = _send(world, case, cell, data)
        outcome.requests += 1
        written = writes.tables()
        if written:
            outcome.fail(cell, f"the database changed: {written}", leak=True, expected="no change")
        if response is None:
            outcome.fail(cell, error)
        elif not cell.expected.matches(response):
            outcome.fail(cell, _describe(response))
    if refused and db_changes.fingerprint() != before:
        outcome.fail(None, "the database's state changed during the refused POSTs", leak=True,
                     expected="the same row counts and watched rows")
    if post.control:
        _control(pattern, case, world, outcome)
    elif post.why_no_control:
        outcome.unexercised.append(f"POST control: {post.why_no_control}")


def _control(pattern: Pattern, case: Case, world: World, outcome: Outcome) -> None:
    """The allowed POST: same data, the control role's own object; it must change the database."""
    role = case.post.control
    thing = _own(case, _things(world, case), role) if case.obj else None
    cell = Cell(role, "POST", "control", _url(pattern, case, world, thing), case.post.control_ok, thing)
    with transaction.atomic():
        before = db_changes.fingerprint(thing.obj if thing else None)
        with db_changes.journal() as writes:
            response, error = _send(world, case, cell, _post_data(case.post, thing, world))
        changed = writes.tables() and db_changes.fingerprint(thing.obj if thing else None) != before
        transaction.set_rollback(True)
    outcome.requests += 1
    if response is None:
        outcome.fail(cell, error)
    elif not cell.expected.matches(response):
        outcome.fail(cell, _describe(response))
    if not changed:
        outcome.fail(cell, "nothing changed", expected="the allowed POST changes the database (else the refused "
                                                         "POSTs prove nothing: fix the row's data)")


def record(outcome: Outcome) -> None:
    """Append the row's failing cells to $ACCESS_MATRIX_RESULTS (JSON lines), for tests/access/report.py."""
    path = os.environ.get("ACCESS_MATRIX_RESULTS")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as out:
        for failure in outcome.failures:
            out.write(json.dumps(failure, ensure_ascii=False) + "\n")
        out.write(json.dumps({"key": outcome.key, "requests": outcome.requests, "seconds": outcome.seconds}) + "\n")
        for line in outcome.unexercised:
            out.write(json.dumps({"key": outcome.key, "route": outcome.route, "unexercised": line},
                                 ensure_ascii=False) + "\n")
