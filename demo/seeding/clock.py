"""Seeding "at" a past moment, so the demo has a history: the county set up before its stations opened,
requests filed and till work done over recent months.

Steps run through the real services with `django.utils.timezone.now` pinned — demo code only, never
an app's.
"""

from contextlib import contextmanager
from datetime import datetime
from unittest import mock

from django.utils import timezone


@contextmanager
def at(moment: datetime):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment in the county's time zone."""
    return timezone.make_aware(datetime(year, month, day, hour, minute))


# The county set itself up the week before its stations opened (stations.csv: 开业日期 2025-06-01), so
# every post the files give begins before the demo's history.
SET_UP_AT = local(2025, 5, 26, 9)
