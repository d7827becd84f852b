"""Scheduled check-ins (pure): when the next one is due and when a due one counts as missed.

A resident living alone is called or visited every `every_days` days (weekly by default). The next
check-in falls `every_days` after the last one done — or after registration if none was — and never in
the past (a resident whose turn has passed is due today). A check-in not done by the end of the day
after its due date is missed: the desk gets an alert and the next one is scheduled from that day.
"""

from __future__ import annotations

from datetime import date, timedelta

GRACE_DAYS = 1


def next_due(*, every_days: int, last_done: date | None, registered_on: date, today: date,
             after: date | None = None) -> date | None:
    """The day the next check-in is due, or None when the resident has none scheduled. `after`: the due
    day of the check-in just done (one done early does not bring the next one back onto its own day)."""
    if every_days <= 0:
        return None
    due = max((last_done or registered_on) + timedelta(days=every_days), today)
    if after is not None and due <= after:
        due = after + timedelta(days=every_days)
    return due


def is_missed(*, due_on: date, today: date) -> bool:
    return today > due_on + timedelta(days=GRACE_DAYS)
