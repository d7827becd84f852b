"""Work calendars and moments for the working-day clock tests (test_deadlines_*.py): the published China holiday
calendar of 2025–2026 (from its data migration), a plain Monday-to-Friday calendar, and Beijing-time moments."""

import importlib
from datetime import date, datetime, time

from core.timeutil import COUNTY_TZ
from gov_services.requests.deadlines import WorkCalendar

holidays_migration = importlib.import_module("gov_services.migrations.0004_china_public_holidays_2025_2026")

CHINA = WorkCalendar(
    holidays=frozenset(d for d, kind, _name in holidays_migration.calendar_days() if kind == "holiday"),
    workdays=frozenset(d for d, kind, _name in holidays_migration.calendar_days() if kind == "workday"),
)
PLAIN = WorkCalendar()


def at(y, m, d, hh=10, mm=0) -> datetime:
    """An aware Beijing-time moment."""
    return datetime(y, m, d, hh, mm, tzinfo=COUNTY_TZ)


def end_of(y, m, d) -> datetime:
    return datetime.combine(date(y, m, d), time.max, tzinfo=COUNTY_TZ)
