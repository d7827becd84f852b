"""The working-day clock (gov_services/deadlines.py), its data and its cached calendar."""

import importlib
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.apps import apps

from core.timeutil import COUNTY_TZ
from gov_services.deadlines import (
    WorkCalendar,
    add_working_days,
    extend_for_pause,
    fraction_of_limit_elapsed,
    paused_working_days,
    working_days_between,
)

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


# --- the calendar ----------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "working"), [
    (date(2025, 3, 3), True),     # an ordinary Monday
    (date(2025, 3, 7), True),     # an ordinary Friday
    (date(2025, 3, 8), False),    # an ordinary Saturday
    (date(2025, 3, 9), False),    # an ordinary Sunday
    (date(2025, 1, 1), False),    # 元旦 on a Wednesday
    (date(2025, 1, 26), True),    # Sunday worked before 春节
    (date(2025, 1, 29), False),   # 春节 正月初一
    (date(2025, 2, 4), False),    # last day of 春节 (a Tuesday)
    (date(2025, 2, 5), True),     # back to work
    (date(2025, 2, 8), True),     # Saturday worked after 春节
    (date(2025, 4, 27), True),    # Sunday worked before 劳动节
    (date(2025, 5, 5), False),    # 劳动节 Monday
    (date(2025, 6, 2), False),    # 端午节 Monday
    (date(2025, 9, 28), True),    # Sunday worked before 国庆节
    (date(2025, 10, 1), False),   # 国庆节
    (date(2025, 10, 6), False),   # 中秋节 inside the combined span
    (date(2025, 10, 8), False),   # last day of 国庆节、中秋节 (a Wednesday)
    (date(2025, 10, 9), True),
    (date(2025, 10, 11), True),   # Saturday worked after 国庆节
    (date(2025, 10, 12), False),  # the Sunday after it is an ordinary Sunday
    (date(2026, 1, 2), False),    # 元旦 2026 Friday
    (date(2026, 1, 4), True),     # Sunday worked after 元旦 2026
    (date(2026, 2, 14), True),    # Saturday worked before 春节 2026
    (date(2026, 2, 23), False),   # 春节 2026 正月初七, a Monday
    (date(2026, 2, 28), True),    # Saturday worked after 春节 2026
    (date(2026, 5, 9), True),     # Saturday worked after 劳动节 2026
    (date(2026, 9, 20), True),    # Sunday worked before 国庆节 2026
    (date(2026, 9, 25), False),   # 中秋节 2026
    (date(2026, 10, 7), False),   # 国庆节 2026 Wednesday
    (date(2026, 10, 10), True),   # Saturday worked after 国庆节 2026
])
def test_working_day_follows_weekends_holidays_and_make_up_days(day, working):
    assert CHINA.is_working_day(day) is working


def test_plain_calendar_is_monday_to_friday():
    week = [date(2025, 10, 1) + timedelta(days=i) for i in range(7)]  # Wed .. Tue
    assert [PLAIN.is_working_day(d) for d in week] == [True, True, True, False, False, True, True]


def test_a_date_cannot_be_both_holiday_and_make_up_day():
    with pytest.raises(ValueError, match="both"):
        WorkCalendar(holidays=frozenset({date(2025, 1, 1)}), workdays=frozenset({date(2025, 1, 1)}))


def test_calendar_accepts_any_iterable_and_stays_hashable():
    calendar = WorkCalendar(holidays={date(2025, 1, 1)}, workdays=[date(2025, 1, 26)])
    assert isinstance(calendar.holidays, frozenset)
    assert isinstance(calendar.workdays, frozenset)
    assert hash(calendar) == hash(WorkCalendar(holidays=[date(2025, 1, 1)], workdays={date(2025, 1, 26)}))


# --- the holiday data against the notices ----------------------------------------------------

@pytest.mark.parametrize("year", [2025, 2026])
def test_every_make_up_day_is_a_weekend_day(year):
    days = [d for _n, d in holidays_migration.MAKE_UP_WORKDAYS if d.year == year]
    assert days
    assert all(d.weekday() >= 5 for d in days)


@pytest.mark.parametrize("year", [2025, 2026])
def test_weekday_holidays_minus_make_up_days_equal_the_13_statutory_days(year):
    """Since 2025 the law gives 13 days (元旦1 春节4 清明1 劳动2 端午1 中秋1 国庆3); a statutory day
    on a weekend is made up by a weekday, and every other weekday off is paid back by a make-up day."""
    weekday_holidays = [d for d in CHINA.holidays if d.year == year and d.weekday() < 5]
    make_up = [d for d in CHINA.workdays if d.year == year]
    assert len(weekday_holidays) - len(make_up) == 13


@pytest.mark.parametrize(("year", "working_days"), [(2025, 248), (2026, 248)])
def test_working_days_in_the_year(year, working_days):
    first = date(year, 1, 1)
    days = [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]
    assert sum(CHINA.is_working_day(d) for d in days) == working_days


@pytest.mark.parametrize(("name", "first", "length"), [
    ("春节", date(2025, 1, 28), 8),
    ("国庆节、中秋节", date(2025, 10, 1), 8),
    ("劳动节", date(2025, 5, 1), 5),
    ("元旦", date(2026, 1, 1), 3),
    ("春节", date(2026, 2, 15), 9),
    ("国庆节", date(2026, 10, 1), 7),
])
def test_holiday_spans_have_the_published_length(name, first, length):
    spans = {(n, a): (b - a).days + 1 for n, a, b in holidays_migration.HOLIDAY_SPANS}
    assert spans[(name, first)] == length


def test_no_date_is_listed_twice():
    days = [d for d, _kind, _name in holidays_migration.calendar_days()]
    assert len(days) == len(set(days))


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


# --- the migration and the cached calendar (database) ----------------------------------------

@pytest.fixture
def fresh_calendar():
    from gov_services.selectors.calendar import calendar_changed

    calendar_changed()
    yield
    calendar_changed()  # rows written by a test are rolled back: forget them


@pytest.mark.django_db
def test_migration_put_the_2025_and_2026_holidays_in_the_table():
    from gov_services.models import CalendarDay

    rows = {(d.date, d.kind, d.name) for d in CalendarDay.objects.filter(date__year__in=[2025, 2026])}
    assert rows == set(holidays_migration.calendar_days())
    assert CalendarDay.objects.get(date=date(2025, 10, 1)).kind == CalendarDay.Kind.HOLIDAY
    assert CalendarDay.objects.get(date=date(2025, 9, 28)).kind == CalendarDay.Kind.WORKDAY
    assert CalendarDay.objects.get(date=date(2026, 2, 14)).name == "春节调休上班"


@pytest.mark.django_db
def test_migration_is_idempotent_and_reversible():
    from gov_services.models import CalendarDay

    count = CalendarDay.objects.count()
    CalendarDay.objects.filter(date=date(2025, 5, 1)).update(name="劳动节（县里改的名）")
    holidays_migration.forward(apps, None)
    assert CalendarDay.objects.count() == count
    assert CalendarDay.objects.get(date=date(2025, 5, 1)).name == "劳动节（县里改的名）"  # left as it was
    CalendarDay.objects.create(date=date(2027, 1, 1), kind="holiday", name="元旦")
    holidays_migration.backward(apps, None)
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [date(2027, 1, 1)]
    holidays_migration.forward(apps, None)
    assert CalendarDay.objects.count() == count + 1


@pytest.mark.django_db
def test_work_calendar_reads_holidays_and_make_up_days_from_the_table(fresh_calendar):
    from gov_services.selectors.calendar import work_calendar

    calendar = work_calendar()
    assert calendar == CHINA
    assert not calendar.is_working_day(date(2025, 10, 1))
    assert calendar.is_working_day(date(2025, 9, 28))
    assert add_working_days(at(2025, 9, 30), 1, calendar) == end_of(2025, 10, 9)


@pytest.mark.django_db
def test_work_calendar_is_cached_until_calendar_changed(fresh_calendar, django_assert_num_queries):
    from gov_services.models import CalendarDay
    from gov_services.selectors.calendar import calendar_changed, work_calendar

    with django_assert_num_queries(1):
        work_calendar()
    with django_assert_num_queries(0):
        work_calendar()

    CalendarDay.objects.create(date=date(2027, 3, 1), kind=CalendarDay.Kind.HOLIDAY, name="测试假日")
    assert work_calendar().is_working_day(date(2027, 3, 1))  # still the cached calendar

    calendar_changed()
    assert not work_calendar().is_working_day(date(2027, 3, 1))


@pytest.mark.django_db
def test_calendar_changed_forgets_the_calendar_again_when_the_transaction_commits(
        fresh_calendar, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    from gov_services.selectors import calendar as selectors

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        selectors.calendar_changed()
    selectors.work_calendar()  # another request re-caches before the commit …
    assert cache.get(selectors._cache_key()) is not None
    for callback in callbacks:
        callback()
    assert cache.get(selectors._cache_key()) is None  # … and the commit forgets it
