"""The working-day clock (gov_services/requests/deadlines.py): deadlines N working days after acceptance in Beijing time
(add_working_days) and the working days between two moments (working_days_between)."""

from datetime import UTC, datetime, timedelta

import pytest

from core.timeutil import COUNTY_TZ
from gov_services.requests.deadlines import add_working_days, working_days_between
from tests.gov_services.work_calendars import CHINA, PLAIN, at, end_of

# --- add_working_days ------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "days", "due"), [
    # the day of acceptance does not count
    (at(2025, 3, 3, 9), 1, end_of(2025, 3, 4)),          # Mon → Tue
    (at(2025, 3, 3, 9), 5, end_of(2025, 3, 10)),         # Mon → next Mon
    (at(2025, 3, 3, 9), 10, end_of(2025, 3, 17)),
    (at(2025, 3, 7, 16), 1, end_of(2025, 3, 10)),        # Fri → Mon
    (at(2025, 3, 8, 11), 1, end_of(2025, 3, 10)),        # accepted on a Saturday
    (at(2025, 3, 9, 11), 1, end_of(2025, 3, 10)),        # accepted on a Sunday
    # zero days: the end of the day of acceptance, working day or not
    (at(2025, 3, 7, 16), 0, end_of(2025, 3, 7)),
    (at(2025, 3, 8, 16), 0, end_of(2025, 3, 8)),
    # accepted late at night still counts from the next day
    (at(2025, 3, 3, 23, 59), 1, end_of(2025, 3, 4)),
    (at(2025, 3, 4, 0, 0), 1, end_of(2025, 3, 5)),
    # 春节 2025 (1/28–2/4 off, Sun 1/26 and Sat 2/8 worked)
    (at(2025, 1, 24), 1, end_of(2025, 1, 26)),           # Fri → the make-up Sunday
    (at(2025, 1, 24), 2, end_of(2025, 1, 27)),
    (at(2025, 1, 24), 3, end_of(2025, 2, 5)),            # straight over the holiday
    (at(2025, 1, 27), 1, end_of(2025, 2, 5)),
    (at(2025, 1, 30), 1, end_of(2025, 2, 5)),            # accepted during the holiday
    (at(2025, 2, 6), 2, end_of(2025, 2, 8)),             # the make-up Saturday counts
    (at(2025, 2, 6), 3, end_of(2025, 2, 10)),
    # 国庆节、中秋节 2025 (10/1–10/8 off, Sun 9/28 and Sat 10/11 worked)
    (at(2025, 9, 26), 1, end_of(2025, 9, 28)),
    (at(2025, 9, 29), 2, end_of(2025, 10, 9)),
    (at(2025, 9, 30), 3, end_of(2025, 10, 11)),
    (at(2025, 10, 3), 1, end_of(2025, 10, 9)),
    (at(2025, 9, 22), 20, end_of(2025, 10, 24)),
    # 2026
    (at(2025, 12, 31), 1, end_of(2026, 1, 4)),           # over 元旦 to the make-up Sunday
    (at(2026, 2, 13), 1, end_of(2026, 2, 14)),
    (at(2026, 2, 14), 1, end_of(2026, 2, 24)),           # over the 9-day 春节
    (at(2026, 9, 30), 1, end_of(2026, 10, 8)),
    (at(2026, 10, 8), 2, end_of(2026, 10, 10)),
])
def test_deadline_is_the_end_of_the_nth_working_day_after_acceptance(start, days, due):
    assert add_working_days(start, days, CHINA) == due


@pytest.mark.parametrize(("start_utc", "due"), [
    # 15:59 UTC is 23:59 Monday in Beijing: day 1 is Tuesday
    (datetime(2025, 3, 3, 15, 59, tzinfo=UTC), end_of(2025, 3, 4)),
    # 16:30 UTC Monday is already 00:30 Tuesday in Beijing: day 1 is Wednesday
    (datetime(2025, 3, 3, 16, 30, tzinfo=UTC), end_of(2025, 3, 5)),
    # 17:00 UTC on 30 Sep is 01:00 on 1 Oct in Beijing, inside the holiday: day 1 is 10/9
    (datetime(2025, 9, 30, 17, 0, tzinfo=UTC), end_of(2025, 10, 9)),
    # 15:30 UTC on 28 Sep is 23:30 on the make-up Sunday in Beijing: day 1 is Monday 9/29
    (datetime(2025, 9, 28, 15, 30, tzinfo=UTC), end_of(2025, 9, 29)),
    # 16:30 UTC on 28 Sep is already 00:30 on Monday 9/29 in Beijing: day 1 is 9/30
    (datetime(2025, 9, 28, 16, 30, tzinfo=UTC), end_of(2025, 9, 30)),
])
def test_days_are_counted_in_beijing_time_whatever_the_input_zone(start_utc, due):
    assert add_working_days(start_utc, 1, CHINA) == due


def test_deadline_is_an_aware_beijing_datetime_at_the_last_microsecond():
    due = add_working_days(datetime(2025, 3, 3, 2, 0, tzinfo=UTC), 1, CHINA)
    assert due.tzinfo is COUNTY_TZ
    assert due.utcoffset() == timedelta(hours=8)
    assert (due.hour, due.minute, due.second, due.microsecond) == (23, 59, 59, 999999)
    assert due.astimezone(UTC) == datetime(2025, 3, 4, 15, 59, 59, 999999, tzinfo=UTC)


def test_asia_shanghai_has_no_daylight_saving_in_our_years():
    offsets = {datetime(2025, 1, 1, tzinfo=COUNTY_TZ).replace(month=m).utcoffset() for m in range(1, 13)}
    assert offsets == {timedelta(hours=8)}
    # a 30-working-day limit over six weeks ends at 23:59:59.999999 local time, +08:00
    due = add_working_days(at(2025, 3, 3, 12), 30, PLAIN)
    assert due == end_of(2025, 4, 14)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        add_working_days(datetime(2025, 3, 3, 10), 1, CHINA)


def test_negative_limit_is_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(at(2025, 3, 3), -1, CHINA)


def test_deadlines_fall_on_working_days_and_count_back_exactly():
    """For a start every third day of 2025–2026 and limits 0–25: the deadline is a working day
    (for N ≥ 1) and exactly N working days lie between acceptance and it."""
    start = at(2025, 1, 1, 15)
    while start.year < 2027:
        for days in range(26):
            due = add_working_days(start, days, CHINA)
            assert working_days_between(start, due, CHINA) == days
            if days:
                assert CHINA.is_working_day(due.date())
                # and the day before the deadline still left at least one day to go
                assert working_days_between(start, due - timedelta(days=1), CHINA) == days - 1
        start += timedelta(days=3)


# --- working_days_between --------------------------------------------------------------------

@pytest.mark.parametrize(("start", "end", "count"), [
    (at(2025, 3, 3, 9), at(2025, 3, 3, 17), 0),       # same day
    (at(2025, 3, 3, 9), at(2025, 3, 4, 8), 1),        # the next morning: the whole day counts
    (at(2025, 3, 7, 9), at(2025, 3, 8, 9), 0),        # Fri → Sat
    (at(2025, 3, 7, 9), at(2025, 3, 10, 9), 1),       # Fri → Mon
    (at(2025, 3, 3, 9), at(2025, 3, 10, 9), 5),       # a week
    (at(2025, 9, 30), at(2025, 10, 9), 1),            # over 国庆节
    (at(2025, 9, 26), at(2025, 10, 11), 6),           # Sun 9/28, 29, 30, 10/9, 10, Sat 11
    (at(2025, 1, 24), at(2025, 2, 10), 7),            # Sun 1/26, 27, 2/5, 2/6, 2/7, Sat 2/8, Mon 2/10
    (at(2025, 3, 4, 9), at(2025, 3, 3, 9), -1),       # backwards
    (at(2025, 10, 9), at(2025, 9, 30), -1),
])
def test_working_days_between_counts_days_after_the_start_up_to_the_end(start, end, count):
    assert working_days_between(start, end, CHINA) == count


