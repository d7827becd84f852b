"""The working-day clock (gov_services/requests/deadlines.py): pauses for supplement (补正) that push the deadline, and the
fraction of the limit used (the supervision's 90% yellow card)."""

from datetime import UTC, datetime

import pytest

from gov_services.requests.deadlines import (
    add_working_days,
    extend_for_pause,
    fraction_of_limit_elapsed,
    paused_working_days,
    working_days_between,
)
from tests.gov_services.work_calendars import CHINA, at, end_of

# --- pauses for supplement (补正) -------------------------------------------------------------

@pytest.mark.parametrize(("paused_from", "resumed_at", "days"), [
    (at(2025, 3, 3, 9), at(2025, 3, 3, 17), 0),          # returned and resubmitted the same day
    (at(2025, 3, 3, 9), at(2025, 3, 4, 9), 1),           # Mon → Tue: Tuesday is not charged
    (at(2025, 3, 3, 9), at(2025, 3, 5, 15), 2),          # Mon → Wed
    (at(2025, 3, 7, 16), at(2025, 3, 9, 12), 0),         # Fri → Sun: only the weekend
    (at(2025, 3, 7, 16), at(2025, 3, 10, 9), 1),         # Fri → Mon: across a weekend
    (at(2025, 3, 7, 16), at(2025, 3, 17, 9), 6),         # Fri → Mon a week later
    (at(2025, 9, 30, 10), at(2025, 10, 8, 10), 0),       # entirely inside 国庆节
    (at(2025, 9, 30, 10), at(2025, 10, 9, 10), 1),       # across 国庆节
    (at(2025, 9, 26, 10), at(2025, 10, 9, 10), 4),       # Sun 9/28, 29, 30, 10/9
    (at(2025, 1, 24, 10), at(2025, 2, 6, 10), 4),        # across 春节: Sun 1/26, 27, 2/5, 2/6
    # 23:30 and 00:30 Beijing time on either side of midnight: same UTC date, one working day
    (datetime(2025, 3, 3, 15, 30, tzinfo=UTC), datetime(2025, 3, 3, 16, 30, tzinfo=UTC), 1),
])
def test_pause_covers_the_working_days_after_the_return_up_to_the_resubmission(paused_from, resumed_at, days):
    assert paused_working_days(paused_from, resumed_at, CHINA) == days


@pytest.mark.parametrize(("due", "paused_from", "resumed_at", "new_due"), [
    (end_of(2025, 3, 7), at(2025, 3, 3, 9), at(2025, 3, 5, 15), end_of(2025, 3, 11)),
    (end_of(2025, 3, 14), at(2025, 3, 7, 16), at(2025, 3, 10, 9), end_of(2025, 3, 17)),
    # the pushed deadline skips the holiday and lands on the make-up Saturday
    (end_of(2025, 10, 10), at(2025, 9, 30, 10), at(2025, 10, 9, 10), end_of(2025, 10, 11)),
    (end_of(2025, 9, 30), at(2025, 9, 26, 10), at(2025, 10, 9, 10), end_of(2025, 10, 13)),
    # resubmitted after the old deadline had passed: still pushed by the paused days
    (end_of(2025, 3, 4), at(2025, 3, 3, 9), at(2025, 3, 6, 9), end_of(2025, 3, 7)),
])
def test_pause_pushes_the_deadline_by_the_paused_working_days(due, paused_from, resumed_at, new_due):
    assert extend_for_pause(due, paused_from, resumed_at, CHINA) == new_due


def test_pause_within_one_day_leaves_the_deadline_untouched():
    due = datetime(2025, 3, 7, 12, 0, tzinfo=UTC)  # not even at the end of a day
    assert extend_for_pause(due, at(2025, 3, 3, 9), at(2025, 3, 3, 18), CHINA) is due


def test_pause_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="before"):
        extend_for_pause(end_of(2025, 3, 7), at(2025, 3, 5), at(2025, 3, 4), CHINA)


def test_a_returned_request_gets_exactly_its_limit_of_working_days():
    """Accepted Fri with 5 days (due Fri 3/14); returned Tue 3/11, resubmitted Thu 3/13. Worked
    Mon and Tue before, Fri, Mon and Tue after: five days, so the deadline moves to Tue 3/18."""
    accepted = at(2025, 3, 7, 15)
    due = add_working_days(accepted, 5, CHINA)
    assert due == end_of(2025, 3, 14)
    returned, resubmitted = at(2025, 3, 11, 10), at(2025, 3, 13, 16)
    due = extend_for_pause(due, returned, resubmitted, CHINA)
    assert due == end_of(2025, 3, 18)
    worked = working_days_between(accepted, returned, CHINA) + working_days_between(resubmitted, due, CHINA)
    assert worked == 5


def test_two_pauses_add_up():
    accepted = at(2025, 3, 3, 9)
    due = add_working_days(accepted, 10, CHINA)                       # Mon 3/17
    due = extend_for_pause(due, at(2025, 3, 4), at(2025, 3, 6), CHINA)  # +2 → Wed 3/19
    due = extend_for_pause(due, at(2025, 3, 10), at(2025, 3, 11), CHINA)  # +1 → Thu 3/20
    assert due == end_of(2025, 3, 20)


# --- fraction of the limit used (the supervision issue's 90% yellow card) ---------------------

ACCEPTED = at(2025, 3, 3, 10)      # Monday
DUE = end_of(2025, 3, 10)          # 5 working days: Tue–Fri and Mon


@pytest.mark.parametrize(("now", "fraction"), [
    (at(2025, 3, 1, 10), 0.0),             # before acceptance: clamped
    (at(2025, 3, 3, 15), 0.0),             # the day of acceptance does not count
    (at(2025, 3, 4, 0), 0.0),
    (at(2025, 3, 4, 12), 0.1),
    (at(2025, 3, 8, 0), 0.8),              # end of Friday
    (at(2025, 3, 9, 20), 0.8),             # the weekend adds nothing
    (at(2025, 3, 10, 12), 0.9),            # the yellow card moment
    (DUE, 1.0),
    (at(2025, 3, 11, 12), 1.1),            # overdue by half a day
    (at(2025, 3, 15, 12), 1.8),            # overdue by four days (Tue–Fri); the weekend adds nothing
])
def test_fraction_of_the_limit_counts_working_time_only(now, fraction):
    assert fraction_of_limit_elapsed(ACCEPTED, DUE, now, CHINA) == pytest.approx(fraction, abs=1e-9)


@pytest.mark.parametrize(("now", "fraction"), [
    (at(2025, 10, 5, 12), 0.0),     # the whole holiday passes without using the limit
    (at(2025, 10, 9, 12), 0.25),
    (at(2025, 10, 11, 0), 1.0),     # the end of 10/10: the limit is used up
])
def test_fraction_of_the_limit_stands_still_over_national_day(now, fraction):
    accepted = at(2025, 9, 30, 10)
    due = add_working_days(accepted, 2, CHINA)
    assert due == end_of(2025, 10, 10)
    assert fraction_of_limit_elapsed(accepted, due, now, CHINA) == pytest.approx(fraction, abs=1e-9)


def test_fraction_for_a_same_day_limit_uses_the_clock():
    accepted = at(2025, 3, 3, 10)
    due = add_working_days(accepted, 0, CHINA)  # 23:59:59.999999 the same day
    assert fraction_of_limit_elapsed(accepted, due, at(2025, 3, 3, 17), CHINA) == pytest.approx(0.5, abs=1e-6)
    assert fraction_of_limit_elapsed(accepted, due, at(2025, 3, 4, 17), CHINA) > 1
    assert fraction_of_limit_elapsed(accepted, due, at(2025, 3, 3, 9), CHINA) == 0.0


def test_fraction_for_a_deadline_at_acceptance():
    moment = at(2025, 3, 3, 10)
    assert fraction_of_limit_elapsed(moment, moment, moment, CHINA) == 0.0
    assert fraction_of_limit_elapsed(moment, moment, at(2025, 3, 3, 11), CHINA) == float("inf")

