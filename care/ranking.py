"""Which responders to offer a call to, best first (pure: no queries, no clock of its own).

A responder is a candidate when, at the moment of dispatch, they are under contract (active, the day
within the contract), offer the service, serve the resident's village, are open, have a free place
(calls at once) and have not been offered this call before. Candidates are ranked by how busy they are
(open calls over capacity, the least busy first), then by the fewest open calls, then by name and id,
so that the same facts always give the same order. Everyone left out is given with the reason, for the
operator's screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

REASONS = {
    "suspended": _("suspended"),
    "contract": _("outside the contract's dates"),
    "service": _("does not offer this service"),
    "area": _("does not serve this village"),
    "hours": _("closed at this hour"),
    "capacity": _("no free place (calls at once)"),
    "offered": _("already offered this call"),
}


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    active: bool
    contract_starts_on: date
    contract_ends_on: date
    services: frozenset[str]
    village_ids: frozenset[int]
    opens_at: time
    closes_at: time
    capacity: int
    open_calls: int = 0
    kind: str = ""


@dataclass(frozen=True)
class Ask:
    service: str
    village_id: int
    at: datetime  # local time of dispatch
    already_offered: frozenset[int] = field(default_factory=frozenset)


def is_open(opens_at: time, closes_at: time, at: time) -> bool:
    """Open at `at`: [opens, closes) on the same day, across midnight when closing is earlier than
    opening, round the clock when both are the same."""
    if opens_at == closes_at:
        return True
    if opens_at < closes_at:
        return opens_at <= at < closes_at
    return at >= opens_at or at < closes_at


def exclusion(candidate: Candidate, ask: Ask) -> str | None:
    """Why `candidate` may not be offered the call (a REASONS key), or None."""
    if not candidate.active:
        return "suspended"
    if not candidate.contract_starts_on <= ask.at.date() <= candidate.contract_ends_on:
        return "contract"
    if ask.service not in candidate.services:
        return "service"
    if ask.village_id not in candidate.village_ids:
        return "area"
    if not is_open(candidate.opens_at, candidate.closes_at, ask.at.time()):
        return "hours"
    if candidate.id in ask.already_offered:
        return "offered"
    if candidate.open_calls >= candidate.capacity:
        return "capacity"
    return None


def load(candidate: Candidate) -> Fraction:
    return Fraction(candidate.open_calls, candidate.capacity) if candidate.capacity else Fraction(1)


def rank(candidates, ask: Ask) -> tuple[list[Candidate], list[tuple[Candidate, str]]]:
    """(the candidates to offer the call to, best first; those left out with the reason's key)."""
    chosen, left_out = [], []
    for candidate in candidates:
        reason = exclusion(candidate, ask)
        if reason is None:
            chosen.append(candidate)
        else:
            left_out.append((candidate, reason))
    chosen.sort(key=lambda c: (load(c), c.open_calls, c.name, c.id))
    left_out.sort(key=lambda pair: (pair[0].name, pair[0].id))
    return chosen, left_out
