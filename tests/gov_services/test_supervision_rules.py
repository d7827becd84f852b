"""The supervision rules (gov_services/supervision/rules.py): card thresholds on the working-day clock,
escalation steps, and the assessment score. Pure: no database."""

import importlib
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.timeutil import COUNTY_TZ
from gov_services.requests.deadlines import WorkCalendar
from gov_services.supervision.rules import (
    RED,
    YELLOW,
    AssessmentWeights,
    DepartmentFigures,
    StepRule,
    Thresholds,
    assessment_components,
    assessment_score,
    card_bounds,
    card_for,
    held_since_bound,
    shift_working_time,
    steps_due,
    working_days_back,
    working_time_between,
)

holidays_migration = importlib.import_module("gov_services.migrations.0004_china_public_holidays_2025_2026")
CHINA = WorkCalendar(
    holidays=frozenset(d for d, kind, _name in holidays_migration.calendar_days() if kind == "holiday"),
    workdays=frozenset(d for d, kind, _name in holidays_migration.calendar_days() if kind == "workday"),
)
PLAIN = WorkCalendar()
DEFAULT = Thresholds()
US = timedelta(microseconds=1)


def at(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=COUNTY_TZ)


def end_of(y, m, d) -> datetime:
    return datetime.combine(date(y, m, d), time.max, tzinfo=COUNTY_TZ)


# --- Cards ---------------------------------------------------------------------------------------------

# (now, due, limit days, thresholds, calendar, expected card). Friday 2025-03-14 ends a plain week.
CARD_TABLE = [
    # exactly 90% of a 10-day limit used: one working day (24 h) left to the deadline at the end of
    # Friday (23:59:59.999999) → yellow
    (end_of(2025, 3, 13), end_of(2025, 3, 14), 10, DEFAULT, PLAIN, YELLOW),
    # a microsecond before that: 90% not yet reached
    (end_of(2025, 3, 13) - US, end_of(2025, 3, 14), 10, DEFAULT, PLAIN, None),
    (at(2025, 3, 13, 18), end_of(2025, 3, 14), 10, DEFAULT, PLAIN, None),
    (at(2025, 3, 14, 8), end_of(2025, 3, 14), 10, DEFAULT, PLAIN, YELLOW),
    # at the deadline itself: 100% used, not past it → still yellow
    (end_of(2025, 3, 14), end_of(2025, 3, 14), 10, DEFAULT, PLAIN, YELLOW),
    # a microsecond later the deadline has passed → red
    (end_of(2025, 3, 14) + US, end_of(2025, 3, 14), 10, DEFAULT, PLAIN, RED),
    # the weekend adds nothing: on Saturday a Monday deadline still has one full day left → yellow
    (at(2025, 3, 15), end_of(2025, 3, 17), 10, DEFAULT, PLAIN, YELLOW),
    # Friday evening: the Monday deadline still has Friday's last hour plus Monday → not yet
    (at(2025, 3, 14, 23), end_of(2025, 3, 17), 10, DEFAULT, PLAIN, None),
    # overdue on a Saturday for a Friday deadline → red
    (at(2025, 3, 15), end_of(2025, 3, 14), 10, DEFAULT, PLAIN, RED),
    # 劳动节 2025 (1–5 May): on the holiday, a 6 May deadline has one working day left → yellow
    (at(2025, 5, 1), end_of(2025, 5, 6), 10, DEFAULT, CHINA, YELLOW),
    # 30 April 10:00: 14 h of 30 April + all of 6 May left → not yet
    (at(2025, 4, 30), end_of(2025, 5, 6), 10, DEFAULT, CHINA, None),
    # with a plain calendar the same moment would be days away from yellow: 1 May is no holiday there
    (at(2025, 5, 1), end_of(2025, 5, 6), 10, DEFAULT, PLAIN, None),
    # a county that cards red only beyond 110%: overdue by half a day is still yellow …
    (at(2025, 3, 17, 12), end_of(2025, 3, 14), 10, Thresholds(90, 110), PLAIN, YELLOW),
    # … overdue by exactly one working day (10% of 10 days) is not beyond it …
    (end_of(2025, 3, 17), end_of(2025, 3, 14), 10, Thresholds(90, 110), PLAIN, YELLOW),
    # … one microsecond more is
    (end_of(2025, 3, 17) + US, end_of(2025, 3, 14), 10, Thresholds(90, 110), PLAIN, RED),
    # a county with yellow at 50%: five of ten days left is already yellow
    (at(2025, 3, 10, 0), end_of(2025, 3, 14), 10, Thresholds(50, 100), PLAIN, YELLOW),
    (at(2025, 3, 10, 0), end_of(2025, 3, 14), 10, DEFAULT, PLAIN, None),
]


@pytest.mark.parametrize(("now", "due", "limit", "thresholds", "calendar", "expected"), CARD_TABLE)
def test_card_follows_the_share_of_the_working_day_limit_used(now, due, limit, thresholds, calendar, expected):
    assert card_for(due_at=due, limit_days=limit, now=now, thresholds=thresholds, calendar=calendar) == expected


@pytest.mark.parametrize(("now", "due", "limit", "thresholds", "calendar", "expected"), CARD_TABLE)
def test_the_sweep_bounds_pick_exactly_the_same_cards(now, due, limit, thresholds, calendar, expected):
    bounds = card_bounds(now=now, limit_days=limit, thresholds=thresholds, calendar=calendar)
    by_bounds = RED if due < bounds.red_due_before else YELLOW if due <= bounds.yellow_due_by else None
    assert by_bounds == expected


def test_a_paused_clock_gets_no_card_however_late():
    assert card_for(due_at=end_of(2025, 3, 3), limit_days=10, now=at(2025, 6, 1), thresholds=DEFAULT,
                    calendar=PLAIN, paused=True) is None


def test_a_request_not_accepted_yet_gets_no_card():
    assert card_for(due_at=None, limit_days=10, now=at(2025, 6, 1), thresholds=DEFAULT, calendar=PLAIN) is None


def test_thresholds_refuse_yellow_after_red():
    with pytest.raises(ValueError):
        Thresholds(100, 90)
    with pytest.raises(ValueError):
        Thresholds(90, 90)


_moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 1)).map(
    lambda d: d.replace(tzinfo=COUNTY_TZ))


@settings(max_examples=300, deadline=None)
@given(now=_moments, due=_moments, limit=st.integers(0, 30), yellow=st.integers(1, 99),
       red=st.integers(100, 200), end_of_day=st.booleans())
def test_bounds_and_card_for_agree_on_any_moment(now, due, limit, yellow, red, end_of_day):
    if end_of_day:
        due = datetime.combine(due.date(), time.max, tzinfo=COUNTY_TZ)
    thresholds = Thresholds(yellow, red)
    bounds = card_bounds(now=now, limit_days=limit, thresholds=thresholds, calendar=CHINA)
    by_bounds = RED if due < bounds.red_due_before else YELLOW if due <= bounds.yellow_due_by else None
    assert by_bounds == card_for(due_at=due, limit_days=limit, now=now, thresholds=thresholds, calendar=CHINA)


@settings(max_examples=200, deadline=None)
@given(start=_moments, hours=st.integers(-2000, 2000), latest=st.booleans())
def test_shifting_by_working_time_is_undone_by_measuring_it(start, hours, latest):
    offset = timedelta(hours=hours, minutes=7)
    moved = shift_working_time(start, offset, CHINA, latest=latest)
    assert working_time_between(start, moved, CHINA) == offset


# --- Held for N working days ---------------------------------------------------------------------------

@pytest.mark.parametrize(("today", "days", "expected"), [
    (date(2025, 3, 18), 0, date(2025, 3, 18)),   # Tuesday, 0 days: today itself
    (date(2025, 3, 18), 1, date(2025, 3, 17)),   # issued Monday: one working day (Tuesday) by Tuesday
    (date(2025, 3, 17), 1, date(2025, 3, 16)),   # on Monday: issued by Sunday, Monday is the one day
    (date(2025, 3, 15), 1, date(2025, 3, 13)),   # on Saturday, Friday is the one working day: Thursday
    (date(2025, 5, 6), 1, date(2025, 5, 5)),     # 6 May, after 劳动节: issued by 5 May
    (date(2025, 5, 6), 2, date(2025, 4, 29)),    # two days back jumps the holiday: 30 April and 6 May
    (date(2025, 3, 21), 3, date(2025, 3, 18)),   # Friday, 3 days: Wed, Thu, Fri → since Tuesday
])
def test_working_days_back_counts_like_the_deadline_clock(today, days, expected):
    assert working_days_back(today, days, CHINA) == expected


def _steps():
    return [StepRule(1, YELLOW, 0), StepRule(2, RED, 0), StepRule(3, RED, 3)]


def test_yellow_step_is_taken_as_soon_as_the_yellow_card_is_held():
    due = steps_due(cards={YELLOW: at(2025, 3, 17, 9)}, steps=_steps(), done=[], now=at(2025, 3, 17, 9),
                    calendar=PLAIN)
    assert [s.key for s in due] == [1]


def test_red_card_takes_the_call_step_and_skips_the_yellow_one():
    cards = {YELLOW: at(2025, 3, 18, 9), RED: at(2025, 3, 18, 9)}
    assert [s.key for s in steps_due(cards=cards, steps=_steps(), done=[], now=at(2025, 3, 18, 9),
                                     calendar=PLAIN)] == [2]


@pytest.mark.parametrize(("now", "expected"), [
    (at(2025, 3, 20, 18), [2]),   # red since Tuesday: Wed, Thu = 2 working days
    (at(2025, 3, 21, 8), [2, 3]),  # Friday: Wed, Thu, Fri = 3 → referral
    (at(2025, 3, 23, 8), [2, 3]),  # Sunday: still 3
])
def test_red_for_three_more_working_days_takes_the_referral_step(now, expected):
    cards = {YELLOW: at(2025, 3, 18, 9), RED: at(2025, 3, 18, 9)}
    assert [s.key for s in steps_due(cards=cards, steps=_steps(), done=[], now=now, calendar=PLAIN)] == expected


def test_a_step_already_taken_is_not_taken_again():
    cards = {RED: at(2025, 3, 18, 9)}
    assert steps_due(cards=cards, steps=_steps(), done=[2, 3], now=at(2025, 4, 30), calendar=PLAIN) == []


def test_held_since_bound_is_the_end_of_that_day():
    bound = held_since_bound(now=at(2025, 3, 18), days=1, calendar=PLAIN)
    assert bound == end_of(2025, 3, 17)


# --- Assessment ----------------------------------------------------------------------------------------

FULL = DepartmentFigures(completed=10, on_time=8, rated=5, satisfied=4, red_cards=1, follow_ups=2,
                         follow_ups_done=1)


@pytest.mark.parametrize(("figures", "weights", "expected"), [
    # 40·0.8 + 30·0.8 + 20·0.9 + 10·0.5 = 79
    (FULL, AssessmentWeights(), Decimal("79.0")),
    # only on-time counts
    (FULL, AssessmentWeights(100, 0, 0, 0), Decimal("80.0")),
    # no ratings this month: satisfaction's weight is left out, not scored zero: (32 + 18 + 5) / 70
    (DepartmentFigures(completed=10, on_time=8, red_cards=1, follow_ups=2, follow_ups_done=1),
     AssessmentWeights(), Decimal("78.6")),
    # red cards but nothing completed: that component is 0, on-time has no data
    (DepartmentFigures(red_cards=2), AssessmentWeights(), Decimal("0.0")),
    # a perfect month
    (DepartmentFigures(completed=3, on_time=3, rated=3, satisfied=3), AssessmentWeights(), Decimal("100.0")),
    # an empty month has no score
    (DepartmentFigures(), AssessmentWeights(), None),
    # more red cards than completions cannot go below zero
    (DepartmentFigures(completed=1, on_time=1, red_cards=5), AssessmentWeights(0, 0, 1, 0), Decimal("0.0")),
])
def test_assessment_score_weighs_the_components_that_have_data(figures, weights, expected):
    assert assessment_score(figures, weights) == expected


def test_assessment_components_are_shares():
    assert assessment_components(FULL) == {"on_time": Decimal("0.8"), "satisfaction": Decimal("0.8"),
                                           "red_cards": Decimal("0.9"), "follow_ups": Decimal("0.5")}
