"""Care figures (pure): per group of calls, how many, how many served, how fast and how well rated.

Response time is the minutes from the call being taken to the responder at the door; the median and
the 90th percentile are nearest-rank (the value below which that share of calls lies, never interpolated:
a figure a person can find in the list). Satisfied is a rating of 4 or 5.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

SERVED = ("completed", "confirmed")


def nearest_rank(values: list[int], share: Fraction) -> int | None:
    """The nearest-rank percentile of `values` (None for none): the smallest value with at least `share`
    of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]


@dataclass(frozen=True)
class CallRow:
    key: str  # the group: a village's, responder's or service's name
    status: str
    created_at: datetime
    arrived_at: datetime | None
    rating: int | None


@dataclass(frozen=True)
class Figures:
    key: str
    calls: int
    served: int
    median_minutes: int | None
    p90_minutes: int | None
    rated: int
    satisfied: int

    @property
    def served_share(self) -> Fraction | None:
        return Fraction(self.served, self.calls) if self.calls else None

    @property
    def satisfied_share(self) -> Fraction | None:
        return Fraction(self.satisfied, self.rated) if self.rated else None


def figures(rows: Iterable[CallRow]) -> list[Figures]:
    """One Figures per group, by key, and a last one for all of them (key "")."""
    groups: dict[str, list[CallRow]] = defaultdict(list)
    everything: list[CallRow] = []
    for row in rows:
        groups[row.key].append(row)
        everything.append(row)
    return [_one(key, groups[key]) for key in sorted(groups)] + [_one("", everything)]


def _one(key: str, rows: list[CallRow]) -> Figures:
    minutes = [int((r.arrived_at - r.created_at).total_seconds() // 60) for r in rows if r.arrived_at]
    ratings = [r.rating for r in rows if r.rating]
    return Figures(key=key, calls=len(rows), served=sum(r.status in SERVED for r in rows),
                   median_minutes=nearest_rank(minutes, Fraction(1, 2)),
                   p90_minutes=nearest_rank(minutes, Fraction(9, 10)),
                   rated=len(ratings), satisfied=sum(r >= 4 for r in ratings))
