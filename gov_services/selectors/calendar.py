"""The working-day calendar from the CalendarDay table, cached for every process.

Services that add, edit or delete CalendarDay rows call `calendar_changed()` afterwards. The
cache entry also expires on its own after an hour, so an edit made around the services (a
migration, the shell) is picked up without a restart.
"""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction

from gov_services.models import CalendarDay
from gov_services.requests.deadlines import WorkCalendar

# Bump the version whenever WorkCalendar's shape or module changes, so old pickles are never read
# (2: it moved to gov_services/requests/deadlines.py; a pickle naming gov_services.deadlines would not load).
CACHE_VERSION = 2
CACHE_TIMEOUT = 60 * 60


def _cache_key() -> str:
    # The database name keeps test processes that share one Redis (xdist workers, each with its
    # own test database) from reading each other's calendars.
    return f"gov_services:work_calendar:v{CACHE_VERSION}:{connection.settings_dict['NAME']}"


def _load() -> WorkCalendar:
    holidays, workdays = set(), set()
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (holidays if kind == CalendarDay.Kind.HOLIDAY else workdays).add(day)
    return WorkCalendar(holidays=frozenset(holidays), workdays=frozenset(workdays))


def work_calendar() -> WorkCalendar:
    """Monday–Friday with the holidays and make-up working days (调休) from CalendarDay."""
    key = _cache_key()
    calendar = cache.get(key)
    if calendar is None:
        calendar = _load()
        cache.set(key, calendar, CACHE_TIMEOUT)
    return calendar


def calendar_changed() -> None:
    """Forget the cached calendar; call after writing CalendarDay rows.

    Forgets it now (this process sees the change at once) and again when the surrounding
    transaction commits (so no other process can re-cache the old rows in between).
    """
    key = _cache_key()
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


# --- the published calendar -------------------------------------------------------------------------------
# The State Council publishes each year's holidays and make-up working days every November; the
# chinesecalendar library carries them (upgrade it when a new year is published).

# The library names some holidays shorter than the notices do.
_NOTICE_NAMES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}


@dataclass(frozen=True)
class OfficialDay:
    date: datetime.date
    kind: str
    name: str


def official_years() -> list[int]:
    """The years whose official calendar the installed library carries."""
    from chinese_calendar.constants import holidays

    return sorted({day.year for day in holidays})


def official_days(year: int) -> list[OfficialDay]:
    """The year's public holidays (every day of each span) and make-up working days, as published."""
    from chinese_calendar.constants import Holiday, holidays, workdays

    def name(value: str) -> str:
        chinese = Holiday(value).chinese
        return _NOTICE_NAMES.get(chinese, chinese)

    days = [OfficialDay(date, CalendarDay.Kind.HOLIDAY, name(value))
            for date, value in holidays.items() if date.year == year]
    # Stored as the notices name them, in Chinese, whatever language the admin reads in.
    days += [OfficialDay(date, CalendarDay.Kind.WORKDAY, f"{name(value)}调休上班")
             for date, value in workdays.items() if date.year == year]
    return sorted(days, key=lambda day: day.date)


def calendar_year_missing(*, today: datetime.date) -> int | None:
    """Next year, from November on, when the calendar holds no day of it yet (deadlines would count
    its holidays as working days); otherwise None."""
    if today.month < 11:
        return None
    next_year = today.year + 1
    return None if CalendarDay.objects.filter(date__year=next_year).exists() else next_year
