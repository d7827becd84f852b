"""Supervision rules (电子监察): yellow and red cards, escalation steps, expiry of returned requests,
and the department assessment score. Pure code, no ORM: the sweep (services/) turns
these into query bounds, so that the database, not Python, picks the requests that need a card.

Cards, on the working-day clock of gov_services/requests/deadlines.py:

* a request's *remaining working time* is the working time from now to its deadline (negative
  once overdue). Only working days count, so a weekend or a holiday changes nothing; a pause for
  supplement has already moved the deadline later by the days it covered (deadlines.extend_for_pause),
  and a paused request is never carded (the clock does not run);
* a YELLOW card when at least `yellow_percent` of the limit is used: remaining ≤ (100 − yellow)% of
  the limit (90%: remaining ≤ one tenth of the limit);
* a RED card when more than `red_percent` of the limit is used: remaining < (100 − red)% of the
  limit (100%: the deadline has passed, i.e. overdue; 110%: overdue by more than a tenth of it).

Because remaining time only grows with the deadline, "yellow" is the same as "due_at ≤ a bound" and
"red" the same as "due_at < a bound" — one bound per (limit, threshold), computed here once per sweep.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from core.timeutil import COUNTY_TZ, end_of_day, local_date, start_of_day
from gov_services.requests.deadlines import (
    ONE_DAY,
    WorkCalendar,
    add_working_days,
)

YELLOW = "yellow"
RED = "red"
CARDS = (YELLOW, RED)
_ZERO = timedelta(0)
_DAY_US = 24 * 60 * 60 * 1_000_000


@dataclass(frozen=True)
class Thresholds:
    """A county's card thresholds, in percent of the working-day limit."""

    yellow_percent: int = 90
    red_percent: int = 100

    def __post_init__(self) -> None:
        if not 1 <= self.yellow_percent < self.red_percent <= 300:
            raise ValueError("Card thresholds need 1 ≤ yellow < red ≤ 300 (percent of the limit).")


def working_time_between(start: datetime, end: datetime, calendar: WorkCalendar) -> timedelta:
    """Working time from `start` to `end`, exact to the microsecond; negative when `end` is earlier."""
    if end < start:
        return -working_time_between(end, start, calendar)
    total, day = _ZERO, local_date(start)
    while start_of_day(day) < end:
        if calendar.is_working_day(day):
            total += min(end, start_of_day(day + ONE_DAY)) - max(start, start_of_day(day))
        day += ONE_DAY
    return total


def shift_working_time(moment: datetime, offset: timedelta, calendar: WorkCalendar, *,
                       latest: bool) -> datetime:
    """A moment `offset` of working time after `moment` (before it, when negative).

    Many moments qualify when non-working days sit next to the answer (all of a weekend is "the same
    working time"): `latest` picks the last of them, otherwise the first.
    """
    moment = moment.astimezone(COUNTY_TZ)
    if offset > _ZERO or (offset == _ZERO and latest):
        return _forward(moment, offset, calendar, latest)
    return _backward(moment, -offset, calendar, latest)


def _forward(pos: datetime, left: timedelta, calendar: WorkCalendar, latest: bool) -> datetime:
    day = local_date(pos)
    while True:
        day_end = start_of_day(day + ONE_DAY)
        if calendar.is_working_day(day):
            available = day_end - pos
            if left < available or (left == available and not latest):
                return pos + left
            left -= available
        pos, day = day_end, day + ONE_DAY


def _backward(pos: datetime, left: timedelta, calendar: WorkCalendar, latest: bool) -> datetime:
    day = local_date(pos)
    while True:
        day_start = start_of_day(day)
        if calendar.is_working_day(day):
            available = pos - day_start
            if left < available or (left == available and latest):
                return pos - left
            left -= available
        pos, day = day_start, day - ONE_DAY


def _share_of_limit(limit_days: int, percent: int) -> timedelta:
    """(100 − percent)% of a limit of `limit_days` working days (negative above 100%)."""
    return timedelta(microseconds=(100 - percent) * limit_days * _DAY_US // 100)


@dataclass(frozen=True)
class CardBounds:
    """For one limit at one moment: yellow ⇔ due_at ≤ yellow_due_by; red ⇔ due_at < red_due_before."""

    yellow_due_by: datetime
    red_due_before: datetime


def card_bounds(*, now: datetime, limit_days: int, thresholds: Thresholds, calendar: WorkCalendar) -> CardBounds:
    return CardBounds(
        yellow_due_by=shift_working_time(now, _share_of_limit(limit_days, thresholds.yellow_percent), calendar,
                                         latest=True),
        red_due_before=shift_working_time(now, _share_of_limit(limit_days, thresholds.red_percent), calendar,
                                          latest=False),
    )


def card_for(*, due_at: datetime | None, limit_days: int, now: datetime, thresholds: Thresholds,
             calendar: WorkCalendar, paused: bool = False) -> str | None:
    """The card a running request deserves now: RED, YELLOW or None (also while paused or not accepted)."""
    if paused or due_at is None:
        return None
    remaining = working_time_between(now, due_at, calendar)
    if remaining < _share_of_limit(limit_days, thresholds.red_percent):
        return RED
    if remaining <= _share_of_limit(limit_days, thresholds.yellow_percent):
        return YELLOW
    return None


# --- Held for N working days: escalation steps and expiry of returned requests ----------------------

def working_days_back(day: date, days: int, calendar: WorkCalendar) -> date:
    """The latest date d with exactly `days` working days in (d, day] (deadlines' counting)."""
    if days < 0:
        raise ValueError("A number of working days cannot be negative.")
    counted = 0
    while counted < days:
        if calendar.is_working_day(day):
            counted += 1
        day -= ONE_DAY
    return day


def held_since_bound(*, now: datetime, days: int, calendar: WorkCalendar) -> datetime:
    """Something that started at or before this moment has lasted ≥ `days` working days at `now`
    (counted like deadlines.working_days_between: the starting day does not count)."""
    return end_of_day(working_days_back(local_date(now), days, calendar))


@dataclass(frozen=True)
class StepRule:
    """One escalation step as the rules see it: fires `after_days` working days after `card`."""

    key: int
    card: str
    after_days: int


def steps_due(*, cards: Mapping[str, datetime], steps: Iterable[StepRule], done: Iterable[int],
              now: datetime, calendar: WorkCalendar) -> list[StepRule]:
    """The steps to take now for a request holding `cards` (card → issued at), `done` already taken.

    A yellow-card step is skipped once the request holds a red card: the red steps speak for it.
    """
    taken = set(done)
    due = []
    for step in steps:
        issued = cards.get(step.card)
        if step.key in taken or issued is None or (step.card == YELLOW and RED in cards):
            continue
        if issued <= held_since_bound(now=now, days=step.after_days, calendar=calendar):
            due.append(step)
    return due


# --- Follow-ups of bad ratings (回访) ----------------------------------------------------------------

def follow_up_due(*, opened_at: datetime, days: int, calendar: WorkCalendar) -> datetime:
    """The callback deadline: the end of the `days`-th working day after the rating (次日起算, as for
    requests)."""
    return add_working_days(opened_at, days, calendar)


def follow_up_overdue_bound(*, now: datetime, days: int, calendar: WorkCalendar) -> datetime:
    """A follow-up opened at or before this moment is overdue at `now`, one opened later is not.

    Overdue ⇔ its deadline, the end of the `days`-th working day after it opened, lies before today
    ⇔ at least `days` working days lie between its opening day and yesterday: the bound for
    "held `days` working days" taken at the end of yesterday. One bound per county lets the database
    pick the overdue rows.
    """
    return held_since_bound(now=now - ONE_DAY, days=days, calendar=calendar)


# --- Department assessment (人机考核) ---------------------------------------------------------------

@dataclass(frozen=True)
class AssessmentWeights:
    on_time: int = 40
    satisfaction: int = 30
    red_cards: int = 20
    follow_ups: int = 10


@dataclass(frozen=True)
class DepartmentFigures:
    """One department's month: completed (办结) and how many of them on time; ratings given and how many
    satisfied; red cards issued; follow-ups of bad ratings opened and how many of them done."""

    completed: int = 0
    on_time: int = 0
    rated: int = 0
    satisfied: int = 0
    red_cards: int = 0
    follow_ups: int = 0
    follow_ups_done: int = 0


def _rate(part: int, whole: int) -> Decimal | None:
    return None if whole == 0 else Decimal(part) / Decimal(whole)


def assessment_components(figures: DepartmentFigures) -> dict[str, Decimal | None]:
    """Each component as a share in [0, 1], or None where the month has no data for it."""
    red = None
    if figures.completed or figures.red_cards:
        red = max(Decimal(0), 1 - Decimal(figures.red_cards) / Decimal(max(figures.completed, 1)))
    return {
        "on_time": _rate(figures.on_time, figures.completed),
        "satisfaction": _rate(figures.satisfied, figures.rated),
        "red_cards": red,
        "follow_ups": _rate(figures.follow_ups_done, figures.follow_ups),
    }


def assessment_score(figures: DepartmentFigures, weights: AssessmentWeights) -> Decimal | None:
    """A score out of 100: the weighted mean of the components that have data (the others' weights are
    left out, not counted as zero), to one decimal. None when no component has data.

    on-time rate; satisfaction rate (basically satisfied or better); red cards: 1 − red cards per
    completed request (0 at one red card per completion or worse); follow-ups: the share done.
    """
    return _weighted_score(assessment_components(figures), weights)


def _weighted_score(components: dict[str, Decimal | None], weights: AssessmentWeights) -> Decimal | None:
    """Out of 100, to one decimal: the weighted mean of the components that have data; None if none has."""
    total_weight, total = 0, Decimal(0)
    for name, value in components.items():
        weight = getattr(weights, name)
        if value is None or weight == 0:
            continue
        total_weight += weight
        total += weight * value
    if total_weight == 0:
        return None
    return (100 * total / total_weight).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- Assessment down to the person (人机考核到人) ------------------------------------------------------

@dataclass(frozen=True)
class OfficerFigures:
    """One officer's month in one department: requests they handled to completion and how many of them on
    time; requests they returned for supplement; the residents' ratings of them and how many satisfied;
    and, as of now, requests they hold that are past their due time."""

    handled: int = 0
    on_time: int = 0
    returned: int = 0
    rated: int = 0
    satisfied: int = 0
    overdue: int = 0


def officer_components(figures: OfficerFigures) -> dict[str, Decimal | None]:
    return {"on_time": _rate(figures.on_time, figures.handled),
            "satisfaction": _rate(figures.satisfied, figures.rated)}


def officer_score(figures: OfficerFigures, weights: AssessmentWeights) -> Decimal | None:
    """Out of 100: the on-time and satisfaction rates weighted as for departments (a component without
    data left out); None without data."""
    return _weighted_score(officer_components(figures), weights)


def combined_score(department: Decimal | None, officers: Iterable[Decimal | None], *,
                   officer_share: int) -> Decimal | None:
    """The department's score with `officer_share` percent taken from the mean of its officers' scores
    (those that have one). Either side alone when the other has no data."""
    scored = [score for score in officers if score is not None]
    if officer_share == 0 or not scored:
        return department
    mean = sum(scored, Decimal(0)) / len(scored)
    if department is None:
        return mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    value = (Decimal(100 - officer_share) * department + Decimal(officer_share) * mean) / 100
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
