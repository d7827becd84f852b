"""The working-day calendar from the CalendarDay table, cached for every process.

Services that add, edit or delete CalendarDay rows call `calendar_changed()` afterwards. The
cache entry also expires on its own after an hour, so an edit made around the services (a
migration, the shell) is picked up without a restart.
"""

from django.core.cache import cache
from django.db import connection, transaction

from gov_services.deadlines import WorkCalendar
from gov_services.models import CalendarDay

# Bump the version whenever WorkCalendar's shape changes, so old pickles are never read.
CACHE_VERSION = 1
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
