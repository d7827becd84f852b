"""The official working-day calendar: loading a year from the published notice (chinesecalendar),
county adjustments that a load never overwrites, and the warning from November when next year is empty."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import AuditEvent
from core.timeutil import COUNTY_TZ
from gov_services.checks import calendar_year_check
from gov_services.models import CalendarDay
from gov_services.selectors.calendar import (
    calendar_year_missing,
    official_days,
    official_years,
    work_calendar,
)
from gov_services.services.calendar import calendar_day_add, calendar_year_load
from stations.models import StaffAssignment
from tests.clock import clock_at

pytestmark = pytest.mark.django_db

LOAD = reverse("gov_services:calendar-year-load")


def test_the_published_2024_calendar_is_read_with_the_notices_names():
    days = {day.date: day for day in official_days(2024)}
    assert days[datetime.date(2024, 2, 10)].name == "春节"
    assert days[datetime.date(2024, 4, 4)].name == "清明节"  # the library says 清明
    assert days[datetime.date(2024, 2, 4)].kind == CalendarDay.Kind.WORKDAY  # a Sunday worked for 春节
    assert days[datetime.date(2024, 2, 4)].name == "春节调休上班"
    assert all(day.kind == CalendarDay.Kind.HOLIDAY or day.date.weekday() >= 5 for day in days.values())
    assert 2024 in official_years() and 1999 not in official_years()


def test_loading_a_year_adds_its_days_once_and_deadlines_see_them_at_once(county_admin):
    assert datetime.date(2024, 10, 1) not in work_calendar().holidays
    loaded = calendar_year_load(actor=county_admin, year=2024)
    assert loaded.added == len(official_days(2024)) > 20
    assert datetime.date(2024, 10, 1) in work_calendar().holidays
    assert datetime.date(2024, 9, 29) in work_calendar().workdays  # a Sunday worked before 国庆
    assert CalendarDay.objects.filter(date__year=2024, source=CalendarDay.Source.OFFICIAL).count() == loaded.added
    assert AuditEvent.objects.filter(action="calendar_day.loaded", actor=county_admin).count() == loaded.added

    again = calendar_year_load(actor=county_admin, year=2024)
    assert again.added == 0
    assert CalendarDay.objects.filter(date__year=2024).count() == loaded.added


def test_a_county_adjustment_on_an_official_date_is_kept(county_admin):
    # 2024-10-07 is in the notice's 国庆 span; the county had entered it by hand under its own name.
    own = calendar_day_add(actor=county_admin, date=datetime.date(2024, 10, 7), kind="holiday", name="本县调整")
    loaded = calendar_year_load(actor=county_admin, year=2024)
    assert [day.pk for day in loaded.kept] == [own.pk]
    own.refresh_from_db()
    assert (own.name, own.source) == ("本县调整", CalendarDay.Source.COUNTY)


def test_a_year_the_library_does_not_know_is_refused_with_the_years_it_knows(county_admin):
    with pytest.raises(ValidationError) as refused:
        calendar_year_load(actor=county_admin, year=2099)
    assert "2099" in refused.value.messages[0]
    assert not CalendarDay.objects.filter(date__year=2099).exists()


def test_the_seeded_years_are_marked_official():
    assert CalendarDay.objects.filter(date__year=2026).exists()
    assert not CalendarDay.objects.filter(date__year=2026).exclude(source=CalendarDay.Source.OFFICIAL).exists()


def test_next_year_is_missing_only_from_november_and_only_while_empty():
    assert calendar_year_missing(today=datetime.date(2026, 10, 31)) is None
    assert calendar_year_missing(today=datetime.date(2026, 11, 1)) == 2027
    assert calendar_year_missing(today=datetime.date(2025, 12, 1)) is None  # 2026 is seeded
    CalendarDay.objects.create(date=datetime.date(2027, 1, 1), kind="holiday", name="元旦")
    assert calendar_year_missing(today=datetime.date(2026, 11, 1)) is None


def test_manage_py_check_warns_when_next_year_is_missing():
    with clock_at(datetime.datetime(2026, 12, 6, 9, tzinfo=COUNTY_TZ)):
        warnings = calendar_year_check(databases=["default"])
    assert [w.id for w in warnings] == ["gov_services.W001"] and "2027" in warnings[0].msg
    with clock_at(datetime.datetime(2026, 6, 1, 9, tzinfo=COUNTY_TZ)):
        assert calendar_year_check(databases=["default"]) == []
    assert calendar_year_check() == []  # no database asked for (Celery's model check): never touched


def test_the_county_admin_loads_a_year_from_the_calendar_page(client, county_admin):
    client.force_login(county_admin)
    page = client.get(reverse("gov_services:calendar-day-list"), {"year": 2024}).content.decode()
    assert LOAD in page and "2024" in page
    response = client.post(LOAD, {"year": "2024"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("?year=2024")
    assert CalendarDay.objects.filter(date__year=2024).count() == len(official_days(2024))
    assert LOAD not in response.content.decode()  # loaded: no button any more
    assert "春节" in response.content.decode()


def test_an_unknown_year_answers_with_a_message_and_writes_nothing(client, county_admin):
    client.force_login(county_admin)
    response = client.post(LOAD, {"year": "2099"}, follow=True)
    assert response.status_code == 200
    assert "2099" in next(str(m) for m in response.context["messages"])
    assert client.post(LOAD, {"year": "abc"}).status_code == 302
    assert not CalendarDay.objects.filter(date__year=2099).exists()


@pytest.mark.parametrize("who", ["township_admin", "operator", "resident"])
def test_only_county_admins_load_a_year(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(LOAD, {"year": "2024"}).status_code == 403
    assert not CalendarDay.objects.filter(date__year=2024).exists()


def test_the_county_home_asks_for_next_years_calendar_from_november(client, county_admin, township_admin):
    # Posts held since before the pinned days (a post made "today" would not be in force on an earlier day).
    StaffAssignment.objects.filter(user__in=[county_admin, township_admin]).update(started_on=datetime.date(2026, 1, 1))
    client.force_login(county_admin)
    with clock_at(datetime.datetime(2026, 12, 6, 9, tzinfo=COUNTY_TZ)):
        page = client.get(reverse("stations:county-home")).content.decode()
    assert 'id="attention"' in page and "?year=2027" in page
    with clock_at(datetime.datetime(2026, 6, 1, 9, tzinfo=COUNTY_TZ)):
        assert "?year=2027" not in client.get(reverse("stations:county-home")).content.decode()
    client.force_login(township_admin)  # cannot load it: not asked to
    with clock_at(datetime.datetime(2026, 12, 6, 9, tzinfo=COUNTY_TZ)):
        assert "?year=2027" not in client.get(reverse("stations:county-home")).content.decode()
