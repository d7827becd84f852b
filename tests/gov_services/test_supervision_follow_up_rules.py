"""The follow-up deadline rules (gov_services/supervision/rules.py): the callback deadline on the working-day
clock and the one bound the database filters overdue follow-ups with. Pure: no database."""

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from core.timeutil import COUNTY_TZ
from gov_services.requests.deadlines import WorkCalendar
from gov_services.supervision.rules import follow_up_due, follow_up_overdue_bound

# Labour Day 2025: 1–5 May off, Sunday 27 April and Saturday 10 May worked.
CALENDAR = WorkCalendar(holidays={date(2025, 5, d) for d in range(1, 6)},
                        workdays={date(2025, 4, 27), date(2025, 5, 10)})


def test_deadline_counts_working_days_from_the_day_after_the_rating():
    opened = datetime(2025, 4, 25, 16, 0, tzinfo=COUNTY_TZ)  # Friday
    # Sun 27 (make-up), Mon 28, Tue 29, Wed 30, then the holiday, then Tue 6 May is the fifth
    assert follow_up_due(opened_at=opened, days=5, calendar=CALENDAR).date() == date(2025, 5, 6)
    assert follow_up_due(opened_at=opened, days=15, calendar=CALENDAR).date() == date(2025, 5, 19)


moments = st.datetimes(min_value=datetime(2025, 4, 1), max_value=datetime(2025, 6, 30),
                       timezones=st.just(COUNTY_TZ))


@settings(max_examples=300, deadline=None)
@given(opened=moments, later=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40)),
       days=st.integers(min_value=0, max_value=20))
def test_the_bound_agrees_with_the_deadline(opened, later, days):
    """Overdue by the bound ⇔ now is past the deadline (on whole days: the deadline is a day's end)."""
    now = opened + later
    overdue = now > follow_up_due(opened_at=opened, days=days, calendar=CALENDAR)
    assert (opened <= follow_up_overdue_bound(now=now, days=days, calendar=CALENDAR)) == overdue
