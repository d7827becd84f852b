"""core.timeutil: the county's one time zone, its dates, and the bounds of its days and months — at
midnight, at month and year ends, in leap years, at the ends of the calendar, and with a frozen clock."""

import datetime
from datetime import UTC, date, timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import translation

from core.checks import county_time_zone_check
from core.timeutil import (
    COUNTY_TZ,
    day_bounds,
    end_of_day,
    last_full_month,
    local_date,
    local_now,
    month_bounds,
    month_choices,
    month_end,
    month_start,
    months_between,
    next_month_start,
    parse_month,
    start_of_day,
)
from tests.clock import clock_at

EIGHT_HOURS = timedelta(hours=8)


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def every_day(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


# --- the zone ----------------------------------------------------------------------------------------

def test_the_county_keeps_beijing_time_the_same_zone_as_django():
    assert COUNTY_TZ.key == "Asia/Shanghai" == settings.TIME_ZONE
    assert county_time_zone_check() == []


def test_a_server_set_to_another_zone_is_an_error_at_start_up():
    with override_settings(TIME_ZONE="UTC"):
        [error] = county_time_zone_check()
    assert error.id == "core.E001" and "Asia/Shanghai" in error.msg


def test_beijing_time_has_no_summer_time_so_every_day_is_24_hours_from_1992_to_2060():
    for day in every_day(date(1992, 1, 1), date(2060, 12, 31)):
        start, end = day_bounds(day)
        assert start.utcoffset() == EIGHT_HOURS and end - start == timedelta(hours=24), day


# --- dates of moments ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("moment", "day"), [
    (utc(2025, 6, 30, 15, 59, 59, 999_999), date(2025, 6, 30)),   # 23:59:59.999999 in Beijing
    (utc(2025, 6, 30, 16, 0), date(2025, 7, 1)),                  # midnight in Beijing: the next day
    (utc(2025, 12, 31, 16, 0), date(2026, 1, 1)),                 # New Year in Beijing, still 2025 in London
    (utc(2024, 2, 28, 16, 0), date(2024, 2, 29)),                 # a leap day
    (datetime.datetime(2025, 3, 1, 0, 0, tzinfo=COUNTY_TZ), date(2025, 3, 1)),
    (datetime.datetime(2025, 3, 1, 7, 59, tzinfo=datetime.timezone(timedelta(hours=-5))), date(2025, 3, 1)),
])
def test_a_moment_falls_on_its_beijing_date_whatever_zone_it_is_written_in(moment, day):
    assert local_date(moment) == day


def test_a_naive_datetime_has_no_date_and_is_refused():
    with pytest.raises(ValueError, match="aware"):
        local_date(datetime.datetime(2025, 3, 1, 12, 0))


def test_today_and_now_are_beijings_even_when_london_is_still_on_yesterday():
    with clock_at(utc(2025, 12, 31, 16, 30)):  # 00:30 on 1 January 2026 in Beijing
        assert local_date() == date(2026, 1, 1)
        now = local_now()
        assert now.tzinfo is COUNTY_TZ and (now.year, now.month, now.day, now.hour) == (2026, 1, 1, 0)
        assert last_full_month() == date(2025, 12, 1)  # not November, as the UTC date would say
    with clock_at(utc(2026, 1, 1, 15, 59, 59)):  # 23:59:59 on 1 January
        assert local_date() == date(2026, 1, 1) and last_full_month() == date(2025, 12, 1)


# --- days ----------------------------------------------------------------------------------------------

def test_a_day_runs_from_its_midnight_to_the_next_and_its_last_moment_is_just_before():
    start, end = day_bounds(date(2025, 12, 31))
    assert start == utc(2025, 12, 30, 16, 0) and end == utc(2025, 12, 31, 16, 0) == start_of_day(date(2026, 1, 1))
    assert end_of_day(date(2025, 12, 31)) == end - timedelta(microseconds=1)
    assert start_of_day(date(2024, 2, 29)) + timedelta(days=1) == start_of_day(date(2024, 3, 1))


def test_every_moment_belongs_to_exactly_one_day():
    day = date(2025, 6, 30)
    for moment in (start_of_day(day), end_of_day(day), start_of_day(day) - timedelta(microseconds=1),
                   utc(2025, 6, 30, 16, 0)):
        owners = [d for d in (day - timedelta(days=1), day, day + timedelta(days=1))
                  if day_bounds(d)[0] <= moment < day_bounds(d)[1]]
        assert owners == [local_date(moment)], moment


# --- months ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "shift", "first"), [
    (date(2025, 6, 17), 0, date(2025, 6, 1)),
    (date(2025, 6, 1), 0, date(2025, 6, 1)),
    (date(2025, 1, 31), 1, date(2025, 2, 1)),       # not 4 March, as adding 32 days to 31 January would
    (date(2025, 12, 31), 1, date(2026, 1, 1)),      # December → January
    (date(2026, 1, 1), -1, date(2025, 12, 1)),      # January → December
    (date(2025, 3, 31), -1, date(2025, 2, 1)),
    (date(2025, 6, 15), -11, date(2024, 7, 1)),     # the first of twelve months ending this one
    (date(2025, 6, 15), 24, date(2027, 6, 1)),
    (date(2025, 6, 15), -1200, date(1925, 6, 1)),
])
def test_month_starts_count_months_over_year_ends(day, shift, first):
    assert month_start(day, shift) == first


@pytest.mark.parametrize(("day", "last"), [
    (date(2024, 2, 10), date(2024, 2, 29)), (date(2025, 2, 28), date(2025, 2, 28)), (date(2000, 2, 1), date(2000, 2, 29)),
    (date(2100, 2, 1), date(2100, 2, 28)), (date(2025, 4, 30), date(2025, 4, 30)), (date(2025, 12, 1), date(2025, 12, 31)),
    (date(2025, 1, 31), date(2025, 1, 31)),
])
def test_a_month_ends_on_its_last_day_leap_years_included(day, last):
    assert month_end(day) == last


def test_for_every_day_of_four_years_the_month_arithmetic_agrees_with_itself():
    for day in every_day(date(2023, 1, 1), date(2026, 12, 31)):
        first, last = month_start(day), month_end(day)
        assert first.day == 1 and first <= day <= last and (first.year, first.month) == (day.year, day.month)
        assert next_month_start(day) == last + timedelta(days=1) == month_start(day, 1)
        assert month_start(next_month_start(day), -1) == first
        start, end = month_bounds(day)
        assert start == start_of_day(first) and end == start_of_day(last + timedelta(days=1))
        assert start <= start_of_day(day) and end_of_day(day) < end


def test_december_runs_from_its_first_midnight_to_januarys_in_beijing():
    start, end = month_bounds(date(2025, 12, 15))
    assert start == utc(2025, 11, 30, 16, 0) and end == utc(2025, 12, 31, 16, 0)
    assert (start.month, end.year, end.month) == (12, 2026, 1)
    assert start <= utc(2025, 11, 30, 16, 0) < end            # 1 December 00:00 Beijing counts
    assert not start <= utc(2025, 12, 31, 16, 0) < end        # 1 January 00:00 Beijing does not
    assert start <= utc(2025, 12, 31, 15, 59, 59, 999_999) < end


@pytest.mark.parametrize(("today", "month"), [
    (date(2026, 1, 15), date(2025, 12, 1)), (date(2026, 1, 1), date(2025, 12, 1)), (date(2025, 3, 31), date(2025, 2, 1)),
    (date(2024, 3, 1), date(2024, 2, 1)), (date(2025, 12, 31), date(2025, 11, 1)),
])
def test_the_last_full_month_is_the_one_before_todays(today, month):
    assert last_full_month(today) == month


def test_months_between_two_days_are_every_first_from_one_month_to_the_other():
    assert months_between(date(2025, 11, 20), date(2026, 2, 3)) == [
        date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert months_between(date(2025, 6, 30), date(2025, 6, 1)) == [date(2025, 6, 1)]  # one month, days aside
    assert months_between(date(2025, 7, 1), date(2025, 6, 30)) == []
    assert len(months_between(date(2000, 1, 31), date(2025, 12, 1))) == 26 * 12


def test_the_ends_of_the_calendar_are_months_too_and_beyond_them_is_an_error():
    assert month_start(date.max) == date(9999, 12, 1) and month_end(date.max) == date.max
    assert month_start(date.min) == date.min and month_end(date.min) == date(1, 1, 31)
    assert months_between(date(9999, 11, 5), date.max) == [date(9999, 11, 1), date(9999, 12, 1)]
    with pytest.raises(ValueError):
        next_month_start(date.max)
    with pytest.raises(ValueError):
        month_start(date.min, -1)


# --- months as text -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "month"), [
    ("2025-06", date(2025, 6, 1)), ("2025-6", date(2025, 6, 1)), (" 2025-12 ", date(2025, 12, 1)),
    ("0001-01", date(1, 1, 1)), ("9999-12", date(9999, 12, 1)),
])
def test_a_month_is_read_from_year_dash_month(text, month):
    assert parse_month(text) == month


@pytest.mark.parametrize("text", [
    "", "2025", "2025-13", "2025-00", "0000-01", "25-06", "2025/06", "2025-06-01", "2025-006", "２０２５-０６",
    "2025-٠٦", "June 2025", "2025-06\x00", "-2025-06", "1e3-01", None,
])
def test_anything_else_is_not_a_month(text):
    with pytest.raises(ValueError):
        parse_month(text)


def test_month_choices_run_back_from_the_newest_over_the_year_end_and_read_back():
    with translation.override("zh-hans"):
        choices = month_choices(date(2026, 2, 14), 4)
    assert choices == [("2026-02", "2026年2月"), ("2026-01", "2026年1月"), ("2025-12", "2025年12月"),
                       ("2025-11", "2025年11月")]
    assert [parse_month(value) for value, _label in choices] == months_between(date(2025, 11, 1), date(2026, 2, 1))[::-1]
    with translation.override("en"):
        assert month_choices(date(2026, 1, 1), 1) == [("2026-01", "January 2026")]
    assert month_choices(date(2026, 1, 1), 0) == []
