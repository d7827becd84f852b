"""The working-day calendar (gov_services/requests/deadlines.py): weekends, holidays and make-up days, the holiday data
against the published notices, and the calendar table with its cache."""

from datetime import date, timedelta

import pytest
from django.apps import apps

from gov_services.requests.deadlines import WorkCalendar, add_working_days
from tests.gov_services.work_calendars import CHINA, PLAIN, at, end_of, holidays_migration

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
