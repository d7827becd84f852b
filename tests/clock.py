"""Setting up the past through the real paths: rows the database keeps (append-only, settled or
final) cannot be moved back in time afterwards, so they are made at the moment they should carry."""

from contextlib import contextmanager
from datetime import datetime
from unittest import mock


@contextmanager
def clock_at(moment: datetime):
    """Meanwhile django.utils.timezone.now() — auto_now_add columns, services' stamps — says `moment`."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield
