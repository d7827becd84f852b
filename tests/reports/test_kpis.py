"""The pure KPI arithmetic: rates, rounding, the median, working days, ranking."""

import datetime
from decimal import Decimal

import pytest

from core.timeutil import COUNTY_TZ
from gov_services.requests.deadlines import WorkCalendar, working_days_between
from reports.kpis import Kpis, WorkingDayIndex, kpis_from_counts, percent, rank_by, weighted_median


@pytest.mark.parametrize(("numerator", "denominator", "expected"), [
    (1, 3, "33.3"), (2, 3, "66.7"), (1, 8, "12.5"), (1, 16, "6.3"), (3, 80, "3.8"), (1, 2000, "0.1"),
    (5, 6, "83.3"), (8518, 8569, "99.4"), (8330, 8569, "97.2"), (8263, 8330, "99.2"), (0, 7, "0.0"), (7, 7, "100.0"),
])
def test_percent_has_one_decimal_rounded_half_up(numerator, denominator, expected):
    assert percent(numerator, denominator) == Decimal(expected)
    assert str(percent(numerator, denominator)) == expected


def test_a_rate_over_nothing_is_none_not_zero():
    assert percent(0, 0) is None


def test_percent_refuses_negative_counts():
    with pytest.raises(ValueError):
        percent(-1, 3)


def test_zhong_county_published_figures_come_out_as_published():
    kpis = Kpis(received=8569, completed=8518, rated=8330, satisfied=8263)
    assert (kpis.completion_rate, kpis.rated_rate, kpis.satisfaction_rate) == (
        Decimal("99.4"), Decimal("97.2"), Decimal("99.2"))


@pytest.mark.parametrize(("pairs", "expected"), [
    ([(3, 1)], "3.0"),
    ([(0, 1), (2, 1), (4, 1), (5, 1)], "3.0"),
    ([(1, 1), (2, 1)], "1.5"),
    ([(1, 5), (9, 1)], "1.0"),
    ([(9, 1), (1, 2), (4, 0)], "1.0"),
    ([(2, 2), (7, 2)], "4.5"),
    ([(10, 3), (1, 3), (5, 1)], "5.0"),
])
def test_weighted_median_takes_the_middle_value_or_the_mean_of_the_two_middle_ones(pairs, expected):
    assert weighted_median(pairs) == Decimal(expected)


def test_median_of_nothing_is_none():
    assert weighted_median([]) is None
    assert weighted_median([(3, 0)]) is None


def test_working_day_index_counts_as_the_deadline_clock_counts():
    calendar = WorkCalendar(holidays={datetime.date(2026, 5, d) for d in range(1, 6)},
                            workdays={datetime.date(2026, 4, 26), datetime.date(2026, 5, 9)})
    first, last = datetime.date(2026, 4, 20), datetime.date(2026, 5, 20)
    index = WorkingDayIndex(calendar, first, last)
    days = [first + datetime.timedelta(days=n) for n in range(31)]
    for a in days[::3]:
        for b in days[::2]:
            expected = working_days_between(datetime.datetime.combine(a, datetime.time(9), COUNTY_TZ),
                                            datetime.datetime.combine(b, datetime.time(17), COUNTY_TZ), calendar)
            assert index.between(a, b) == expected, (a, b)


def test_working_day_index_refuses_dates_outside_its_span():
    index = WorkingDayIndex(WorkCalendar(), datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    with pytest.raises(ValueError):
        index.between(datetime.date(2026, 3, 1), datetime.date(2026, 4, 1))


def test_kpis_from_counts_fills_missing_counts_with_zero_and_takes_the_median():
    kpis = kpis_from_counts({"received": 4, "completed": 2}, day_counts=[(3, 1), (5, 1)])
    assert kpis.accepted == 0 and kpis.completion_rate == Decimal("50.0")
    assert kpis.median_days_to_complete == Decimal("4.0")
    assert kpis.on_time_rate == Decimal("0.0") and kpis.satisfaction_rate is None


def test_ranking_shares_places_for_ties_and_leaves_unrated_rows_last():
    rows = [("a", Decimal("90.0")), ("b", None), ("c", Decimal("95.5")), ("d", Decimal("90.0")), ("e", Decimal(80))]
    ranked = rank_by(rows, key=lambda r: r[1])
    assert [(rank, row[0]) for rank, row in ranked] == [(1, "c"), (2, "a"), (2, "d"), (4, "e"), (None, "b")]
