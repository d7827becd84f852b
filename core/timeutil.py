"""Time in the county: one time zone, its calendar dates, and the bounds of its days and months.

The county keeps Beijing time, `COUNTY_TZ` (Asia/Shanghai; settings.TIME_ZONE names the same zone and
core/checks.py says so at start-up if the two ever differ). A request accepted at 23:30 was accepted on
that Beijing date whatever the server's clock says. Asia/Shanghai has had no daylight-saving time since
1991: every local day is 24 hours long and every local midnight happens exactly once.

Days and months are half-open ranges of aware datetimes, [first moment, first moment of the next one),
so `start <= moment < end` holds each moment exactly once. A month is named by its first day.
Pure functions of the clock: `local_date()` and `last_full_month()` read `timezone.now()` (which tests
may freeze), everything else only its arguments.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format

COUNTY_TZ = ZoneInfo("Asia/Shanghai")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")


def local_now() -> datetime:
    """Now, as an aware datetime in the county's zone."""
    return timezone.now().astimezone(COUNTY_TZ)


def local_date(moment: datetime | None = None) -> date:
    """The county's calendar date of an aware `moment` (today's when None). A naive datetime is refused
    (ValueError): nobody can say which day it was."""
    if moment is None:
        return local_now().date()
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("A local date needs an aware datetime, not a naive one.")
    return moment.astimezone(COUNTY_TZ).date()


def start_of_day(day: date) -> datetime:
    """00:00 in the county on `day`, aware."""
    return datetime.combine(day, time.min, tzinfo=COUNTY_TZ)


def end_of_day(day: date) -> datetime:
    """23:59:59.999999 in the county on `day`, aware: the last moment of the day (a deadline's end)."""
    return datetime.combine(day, time.max, tzinfo=COUNTY_TZ)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[00:00 on `day`, 00:00 on the next day) in the county."""
    return start_of_day(day), start_of_day(day + timedelta(days=1))


def month_start(day: date, shift: int = 0) -> date:
    """The first day of `day`'s month, or of the month `shift` months later (earlier when negative)."""
    index = day.year * 12 + day.month - 1 + shift
    return date(index // 12, index % 12 + 1, 1)


def next_month_start(day: date) -> date:
    """The first day of the month after `day`'s: 2025-12-31 → 2026-01-01."""
    return month_start(day, 1)


def month_end(day: date) -> date:
    """The last day of `day`'s month: 2024-02-10 → 2024-02-29."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_bounds(day: date) -> tuple[datetime, datetime]:
    """[00:00 on the first of `day`'s month, 00:00 on the first of the next) in the county."""
    return start_of_day(month_start(day)), start_of_day(next_month_start(day))


def last_full_month(today: date | None = None) -> date:
    """The first day of the last month that has ended (the one statements are made for): the month
    before `today`'s, today's county date when None."""
    return month_start(today or local_date(), -1)


def months_between(first: date, last: date) -> list[date]:
    """The first day of every month from `first`'s to `last`'s, both included ([] when `last` is earlier)."""
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [month_start(first, shift) for shift in range(count)]


def month_choices(newest: date, count: int) -> list[tuple[str, str]]:
    """("2025-06", "2025年6月") for `newest`'s month and the `count - 1` months before it, newest first:
    the choices of a month filter (parse_month reads the value back)."""
    months = [month_start(newest, -back) for back in range(count)]
    return [(f"{month.year:04d}-{month.month:02d}", date_format(month, "YEAR_MONTH_FORMAT")) for month in months]


def parse_month(text: str) -> date:
    """ "2025-06" (or "2025-6") → date(2025, 6, 1); ValueError for anything else."""
    match = _MONTH.fullmatch(str(text).strip())
    if match is None:
        raise ValueError(f"Not a month (YYYY-MM): {text!r}")
    return date(int(match[1]), int(match[2]), 1)
