"""The working-day clock: pure code, no ORM (the calendar comes from gov_services/selectors/calendar.py).

Every rule here counts *Beijing-time calendar days* (core/timeutil.py: the county's zone, its dates
and day bounds): a request accepted at 23:30 in Shanghai was accepted on that Shanghai date, and
every local day is exactly 24 hours long.

The counting rule, used consistently by every function below (Chinese administrative practice,
期限从次日起算):

* the day of acceptance does not count; working day 1 is the first working day *after* it;
* a limit of N working days ends at the END of the Nth working day (23:59:59.999999 local time);
* ``working_days_between(a, b)`` counts the working days whose date lies in (a's date, b's date],
  so ``working_days_between(start, add_working_days(start, n)) == n``;
* a pause for supplement (补正) stops the clock: the working days after the day the request was
  returned, up to and including the day the resident resubmitted, do not count (the day of the
  return was already being worked; the day of resubmission counts as a new day of acceptance).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from core.timeutil import end_of_day, local_date, start_of_day

ONE_DAY = timedelta(days=1)
_SECONDS_PER_DAY = 24 * 60 * 60


@dataclass(frozen=True)
class WorkCalendar:
    """Monday–Friday, minus public holidays, plus make-up working days (调休上班) on weekends.

    `holidays` are the dates of the published holiday spans (weekend dates inside a span may be
    listed too; they change nothing). `workdays` are the Saturdays and Sundays worked instead.
    `WorkCalendar()` is the plain Monday–Friday week.
    """

    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        # Accept any iterable of dates, keep frozensets (hashable, cacheable, immutable).
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        both = self.holidays & self.workdays
        if both:
            raise ValueError(f"Dates both holiday and make-up working day: {sorted(both)}")

    def is_working_day(self, d: date) -> bool:
        if d in self.holidays:
            return False
        if d in self.workdays:
            return True
        return d.weekday() < 5


def _nth_working_day_after(d: date, n: int, calendar: WorkCalendar) -> date:
    counted = 0
    while counted < n:
        d += ONE_DAY
        if calendar.is_working_day(d):
            counted += 1
    return d


def add_working_days(start: datetime, days: int, calendar: WorkCalendar) -> datetime:
    """The deadline of a limit of `days` working days counted from the aware datetime `start`.

    Day 1 is the first working day AFTER start's local date (the day of acceptance does not
    count: 次日起算), whatever the time of day or whether that date is itself a working day. The
    deadline is the END of the Nth working day, 23:59:59.999999 Asia/Shanghai, returned as an
    aware datetime in Asia/Shanghai. ``days=0`` gives the end of the start day itself.
    """
    if days < 0:
        raise ValueError("A time limit cannot be negative.")
    return end_of_day(_nth_working_day_after(local_date(start), days, calendar))


def working_days_between(start: datetime, end: datetime, calendar: WorkCalendar) -> int:
    """The working days whose local date lies in (start's date, end's date].

    Same counting as `add_working_days` (the start day does not count, the end day counts in
    full whatever the hour): accepted Monday and completed Tuesday is 1; completed the same day
    is 0. Negative, with the same magnitude, when `end` is before `start`.
    """
    first, last = local_date(start), local_date(end)
    if last < first:
        return -working_days_between(end, start, calendar)
    count, d = 0, first
    while d < last:
        d += ONE_DAY
        if calendar.is_working_day(d):
            count += 1
    return count


def paused_working_days(paused_from: datetime, resumed_at: datetime, calendar: WorkCalendar) -> int:
    """The working days a pause for supplement covered: those strictly after the local date of
    `paused_from`, up to and including the local date of `resumed_at`.

    The day the request was returned was already being worked, so it stays counted; the day the
    resident resubmits is treated like a new day of acceptance (次日起算), so it is not charged to
    the department. Returned and resubmitted on the same day: 0.
    """
    if resumed_at < paused_from:
        raise ValueError("A pause cannot end before it starts.")
    return working_days_between(paused_from, resumed_at, calendar)


def extend_for_pause(due_at: datetime, paused_from: datetime, resumed_at: datetime,
                     calendar: WorkCalendar) -> datetime:
    """Push `due_at` later by the working days the pause covered (see `paused_working_days`).

    The new deadline is the end of the Nth working day after due_at's local date; a pause that
    covered no working day leaves `due_at` exactly as it was. Call it once per pause, when the
    resident resubmits; it applies whether or not the deadline had passed meanwhile.
    """
    days = paused_working_days(paused_from, resumed_at, calendar)
    if days == 0:
        return due_at
    return add_working_days(due_at, days, calendar)


def working_seconds_between(start: datetime, end: datetime, calendar: WorkCalendar) -> float:
    """Seconds of [start, end) that fall on working days (every local day is 24 hours). ≥ 0."""
    if end <= start:
        return 0.0
    start_utc, end_utc = start.timestamp(), end.timestamp()
    total = 0.0
    d, last = local_date(start), local_date(end)
    while d <= last:
        if calendar.is_working_day(d):
            day_start = start_of_day(d).timestamp()
            day_end = day_start + _SECONDS_PER_DAY
            total += max(0.0, min(end_utc, day_end) - max(start_utc, day_start))
        d += ONE_DAY
    return total


def fraction_of_limit_elapsed(accepted_at: datetime, due_at: datetime, now: datetime,
                              calendar: WorkCalendar) -> float:
    """How much of a request's working time has been used: elapsed / total working time, ≥ 0.

    The clock starts at 00:00 of the day after acceptance (the day of acceptance does not count)
    and only runs on working days, so a weekend or a holiday adds nothing and the fraction stays
    flat across it. 1.0 at the deadline; above 1 when overdue (e.g. 1.5 = half a limit late).
    The supervision sweep's yellow card fires at 0.9.

    With a same-day limit (no working time between the clock's start and `due_at`), the plain
    wall-clock fraction from `accepted_at` to `due_at` is used instead (a deadline at or before
    acceptance: 0.0 until it, then infinity). Pass the deadline already
    extended for past pauses; while a request is paused, do not card it.
    """
    clock_start = start_of_day(local_date(accepted_at) + ONE_DAY)
    total = working_seconds_between(clock_start, due_at, calendar)
    if total > 0:
        return working_seconds_between(clock_start, now, calendar) / total
    span = (due_at - accepted_at).total_seconds()
    if span <= 0:
        return 0.0 if now <= due_at else float("inf")
    return max(0.0, (now - accepted_at).total_seconds() / span)
