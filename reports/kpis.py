"""Government-service KPIs as pure arithmetic (no ORM): the counts come from reports/selectors.

The definitions, over a period and a scope; every count is of the requests *received in
the period* (the cohort), so that each rate stays between 0 and 100 %:

* received          requests submitted in the period;
* accepted rate     accepted ÷ received                         (受理率)
* completion rate   completed ÷ received                        (办结率)
* on-time rate      completed by their deadline ÷ completed     (按时办结率)
* rated rate        rated ÷ received                            (评价率)
* satisfaction rate very satisfied, satisfied or basically satisfied ÷ rated   (满意率)
* yellow and red cards, returns for supplement and follow-ups: counts over the same requests;
* median working days to complete: from the day of submission to the day of completion, counted
  as gov_services/requests/deadlines.py counts (the day of submission does not count).

Rates are percentages with one decimal, rounded half up (Decimal, never float); a rate whose
denominator is zero is None (shown as "—"), not 0.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from gov_services.requests.deadlines import ONE_DAY, WorkCalendar

ONE_DECIMAL = Decimal("0.1")
HUNDRED = Decimal(100)


def percent(numerator: int, denominator: int) -> Decimal | None:
    """numerator ÷ denominator as a percentage with one decimal, rounded half up; None when ÷ 0."""
    if denominator == 0:
        return None
    if numerator < 0 or denominator < 0:
        raise ValueError("Counts cannot be negative.")
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def weighted_median(counts: Iterable[tuple[int, int]]) -> Decimal | None:
    """The median of values given as (value, how many times) pairs; None when there are none.

    With an even number of values it is the mean of the two middle ones (so it may end in .5).
    """
    pairs = sorted((value, n) for value, n in counts if n > 0)
    total = sum(n for _value, n in pairs)
    if total == 0:
        return None
    lower_rank, upper_rank = (total - 1) // 2, total // 2  # 0-based ranks of the middle value(s)
    lower = upper = None
    seen = 0
    for value, n in pairs:
        if lower is None and seen + n > lower_rank:
            lower = value
        if seen + n > upper_rank:
            upper = value
            break
        seen += n
    return (Decimal(lower + upper) / 2).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


class WorkingDayIndex:
    """Working days between local dates in O(log n): a sorted list of the working days in a span.

    `between(a, b)` equals gov_services.requests.deadlines.working_days_between for the same dates (the
    working days in (a, b]); built once per report instead of walking the calendar per request.
    """

    def __init__(self, calendar: WorkCalendar, first: date, last: date):
        self.first, self.last = first, last
        self._days: list[date] = []
        d = first
        while d <= last:
            if calendar.is_working_day(d):
                self._days.append(d)
            d += ONE_DAY

    def between(self, start: date, end: date) -> int:
        if not (self.first <= start <= self.last and self.first <= end <= self.last):
            raise ValueError(f"{start}…{end} lies outside the index's span {self.first}…{self.last}.")
        if end < start:
            return -self.between(end, start)
        return bisect.bisect_right(self._days, end) - bisect.bisect_right(self._days, start)


@dataclass(frozen=True)
class Kpis:
    """The counts of one row of a KPI table, and the rates derived from them."""

    received: int = 0
    accepted: int = 0
    completed: int = 0
    completed_on_time: int = 0
    rated: int = 0
    satisfied: int = 0
    yellow_cards: int = 0
    red_cards: int = 0
    returns: int = 0
    follow_ups: int = 0
    median_days_to_complete: Decimal | None = None

    @property
    def accepted_rate(self) -> Decimal | None:
        return percent(self.accepted, self.received)

    @property
    def completion_rate(self) -> Decimal | None:
        return percent(self.completed, self.received)

    @property
    def on_time_rate(self) -> Decimal | None:
        return percent(self.completed_on_time, self.completed)

    @property
    def rated_rate(self) -> Decimal | None:
        return percent(self.rated, self.received)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return percent(self.satisfied, self.rated)

    def as_dict(self) -> dict:
        """Counts and rates by name (exports and the JSON of the public page)."""
        counts = {f.name: getattr(self, f.name) for f in fields(self)}
        return counts | {name: getattr(self, name) for name in RATE_NAMES}


COUNT_NAMES = tuple(f.name for f in fields(Kpis) if f.name != "median_days_to_complete")
RATE_NAMES = ("accepted_rate", "completion_rate", "on_time_rate", "rated_rate", "satisfaction_rate")


def kpis_from_counts(counts: dict, *, day_counts: Iterable[tuple[int, int]] = (),
                     median: Decimal | None = None) -> Kpis:
    """A Kpis from a dict of the count fields (missing ones are 0) and either (working days, n) pairs
    or the median itself (as the database computed it)."""
    pairs = list(day_counts)
    return Kpis(**{name: int(counts.get(name) or 0) for name in COUNT_NAMES},
                median_days_to_complete=weighted_median(pairs) if pairs else median)


def rank_by(rows: list, *, key, reverse: bool = True) -> list[tuple[int, object]]:
    """Competition ranking (1, 2, 2, 4) of `rows` by `key(row)`; rows whose key is None come last,
    unranked (rank None). Pure: used for the ranking charts and the department ranking."""
    ranked = sorted((r for r in rows if key(r) is not None), key=key, reverse=reverse)
    out: list[tuple[int, object]] = []
    for i, row in enumerate(ranked):
        rank = out[-1][0] if i and key(row) == key(ranked[i - 1]) else i + 1
        out.append((rank, row))
    return out + [(None, r) for r in rows if key(r) is None]
