"""Month arithmetic of the partitions: calendar months in settings.TIME_ZONE and their partitions' names."""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings

# How many months past the current one always have their partition.
MONTHS_AHEAD = 3
# The oldest month given a partition of its own when a table is converted; older rows go to the default.
MONTHS_BACK_LIMIT = 120


def month_start(moment: datetime.datetime | datetime.date, time_zone: str | None = None) -> datetime.date:
    """The first day of the calendar month holding `moment` in `time_zone` (settings.TIME_ZONE)."""
    if isinstance(moment, datetime.datetime):
        moment = moment.astimezone(zoneinfo.ZoneInfo(time_zone or settings.TIME_ZONE)).date()
    return moment.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def partition_name(table: str, month: datetime.date) -> str:
    return f"{table}_p{month:%Y_%m}"
