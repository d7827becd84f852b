"""The KPI table on hand-built requests with known answers, its query count, and its scope per role."""

import datetime
from decimal import Decimal

import pytest

from gov_services.selectors.calendar import work_calendar
from reports.selectors.dimensions import Period
from reports.selectors.gov_kpis import kpi_table, kpi_totals
from reports.selectors.public import public_department_performance
from reports.selectors.scope import ReportScope, report_scope_for
from tests.factories import ServiceItemFactory
from tests.reports.factories import make_request

D = Decimal
EVERYTHING = ReportScope(everything=True)


def _counts(kpis):
    return (kpis.received, kpis.accepted, kpis.completed, kpis.completed_on_time, kpis.rated, kpis.satisfied,
            kpis.returns, kpis.follow_ups, kpis.yellow_cards, kpis.red_cards)


def _rates(kpis):
    return (kpis.accepted_rate, kpis.completion_rate, kpis.on_time_rate, kpis.rated_rate, kpis.satisfaction_rate,
            kpis.median_days_to_complete)


def test_every_kpi_over_the_period_matches_the_hand_counted_answer(kpi_world, march):
    total = kpi_totals(scope=EVERYTHING, period=march)
    assert _counts(total) == (6, 5, 4, 3, 3, 2, 3, 1, 2, 1)
    assert _rates(total) == (D("83.3"), D("66.7"), D("75.0"), D("50.0"), D("66.7"), D("3.0"))


def test_kpis_by_department_split_the_same_requests(kpi_world, march):
    table = kpi_table(scope=EVERYTHING, period=march, dimensions=("department",))
    by_name = {row.labels[0]: row for row in table.rows}
    a, b = by_name[kpi_world["department_a"].name], by_name["乙局"]
    assert _counts(a.kpis) == (5, 4, 3, 2, 3, 2, 3, 1, 2, 1)
    assert _rates(a.kpis) == (D("80.0"), D("60.0"), D("66.7"), D("60.0"), D("66.7"), D("4.0"))
    assert _counts(b.kpis) == (1, 1, 1, 1, 0, 0, 0, 0, 0, 0)
    assert _rates(b.kpis) == (D("100.0"), D("100.0"), D("100.0"), D("0.0"), None, D("0.0"))
    assert a.drill == (kpi_world["department_a"].pk,)
    assert _counts(table.total) == (6, 5, 4, 3, 3, 2, 3, 1, 2, 1)
    assert table.total.median_days_to_complete == D("3.0")


def test_kpis_by_township_and_by_station_follow_the_requests_place(kpi_world, march, tree, station, other_station):
    townships = kpi_table(scope=EVERYTHING, period=march, dimensions=("township",))
    assert [(r.labels[0], r.kpis.received, r.drill[0]) for r in townships.rows] == [
        (tree["townships"][0].name, 5, tree["townships"][0].pk), (tree["townships"][1].name, 1, tree["townships"][1].pk)]
    stations = kpi_table(scope=EVERYTHING, period=march, dimensions=("station",), township=tree["townships"][0])
    assert [(r.labels[0], r.kpis.received) for r in stations.rows] == [(station.name, 5)]


def test_a_month_trend_keys_rows_by_the_first_day_of_the_month(kpi_world):
    spring = Period(datetime.date(2026, 2, 1), datetime.date(2026, 4, 30))
    table = kpi_table(scope=EVERYTHING, period=spring, dimensions=("month",))
    assert [(r.keys[0], r.labels[0], r.kpis.received) for r in table.rows] == [
        (datetime.date(2026, 2, 1), "2026-02", 1), (datetime.date(2026, 3, 1), "2026-03", 6),
        (datetime.date(2026, 4, 1), "2026-04", 1)]
    # r6: Friday 27 Feb → Monday 2 March; Saturday 28 Feb 2026 is a make-up working day (调休), so 2.
    assert table.rows[0].kpis.follow_ups == 1 and table.rows[0].kpis.median_days_to_complete == D("2.0")


def test_a_request_submitted_just_before_midnight_beijing_time_counts_in_that_day(department, march):
    item = ServiceItemFactory(department=department)
    request = make_request(item=item, submitted="2026-03-31")
    type(request).objects.filter(pk=request.pk).update(
        submitted_at=datetime.datetime(2026, 3, 31, 15, 59, tzinfo=datetime.UTC))  # 23:59 in Shanghai
    late = make_request(item=item, submitted="2026-03-31")
    type(late).objects.filter(pk=late.pk).update(
        submitted_at=datetime.datetime(2026, 3, 31, 16, 0, tzinfo=datetime.UTC))  # 00:00 on 1 April
    assert kpi_totals(scope=EVERYTHING, period=march).received == 1


def test_median_days_skip_weekends_and_public_holidays(department):
    # 2026-04-30 (Thu) → 2026-05-07 (Thu): 1–5 May is the Labour Day holiday, 9 May a make-up day.
    item = ServiceItemFactory(department=department)
    make_request(item=item, submitted="2026-04-30", accepted="2026-04-30", due="2026-05-12", completed="2026-05-07")
    work_calendar()  # the seeded holidays (migration 0004) decide the answer
    kpis = kpi_totals(scope=EVERYTHING, period=Period(datetime.date(2026, 4, 1), datetime.date(2026, 5, 31)))
    assert kpis.median_days_to_complete == D("2.0")


def test_the_table_costs_the_same_few_queries_however_many_requests(kpi_world, march, django_assert_num_queries,
                                                                     station):
    work_calendar()
    with django_assert_num_queries(4):  # requests, returns, cards, department labels
        kpi_table(scope=EVERYTHING, period=march, dimensions=("department",))
    item = kpi_world["requests"]["r1"].item
    for day in range(2, 20):
        make_request(item=item, station=station, submitted=f"2026-03-{day:02d}", accepted=f"2026-03-{day:02d}",
                     due="2026-03-31", completed="2026-03-25", score=4, returns=1)
    with django_assert_num_queries(4):  # months need no label query
        table = kpi_table(scope=EVERYTHING, period=march, dimensions=("township", "month"))
    assert table.total.received == 24


def test_an_empty_scope_costs_no_query(kpi_world, march, django_assert_num_queries):
    with django_assert_num_queries(0):
        table = kpi_table(scope=ReportScope(), period=march)
    assert table.rows == [] and table.total.received == 0


def test_unknown_dimension_is_refused(march):
    with pytest.raises(ValueError):
        kpi_table(scope=EVERYTHING, period=march, dimensions=("weather",))


def test_public_performance_counts_whole_months_by_department(kpi_world):
    table = public_department_performance(first_month=datetime.date(2026, 3, 15), last_month=datetime.date(2026, 3, 2))
    assert table.period == Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    assert sorted((r.labels[0], r.labels[1], r.kpis.received) for r in table.rows) == sorted([
        (kpi_world["department_a"].name, "2026-03", 5), ("乙局", "2026-03", 1)])


# --- scope per role ------------------------------------------------------------------------------

def _received(user, march):
    return kpi_totals(scope=report_scope_for(user=user), period=march).received


def test_county_admin_sees_the_whole_county(kpi_world, march, county_admin):
    assert _received(county_admin, march) == 6


def test_township_admin_sees_only_their_township(kpi_world, march, township_admin):
    assert _received(township_admin, march) == 5


def test_operator_sees_only_their_station(kpi_world, march, operator, other_station):
    assert _received(operator, march) == 5
    assert report_scope_for(user=operator).station_ids == (operator.staff_assignments.get().station_id,)


def test_officer_sees_only_their_department(kpi_world, march, officer):
    assert _received(officer, march) == 5


def test_resident_and_anonymous_visitor_see_nothing(kpi_world, march, resident):
    from django.contrib.auth.models import AnonymousUser

    assert report_scope_for(user=resident).is_empty
    assert report_scope_for(user=AnonymousUser()).is_empty
    assert _received(resident, march) == 0


def test_superuser_sees_everything(kpi_world, march, superuser):
    assert _received(superuser, march) == 6


def test_a_card_counts_against_the_department_that_held_the_request_when_it_was_issued(kpi_world, march):
    from tests.reports.conftest import _card

    r8 = kpi_world["requests"]["r8"]  # department B's request, carded while department A held it
    _card(r8, "red", kpi_world["department_a"])
    rows = {r.labels[0]: r.kpis for r in kpi_table(scope=EVERYTHING, period=march).rows}
    assert rows[kpi_world["department_a"].name].red_cards == 2
    assert rows["乙局"].red_cards == 0
    township_rows = kpi_table(scope=EVERYTHING, period=march, dimensions=("township",)).rows
    assert [r.kpis.red_cards for r in township_rows] == [1, 1]  # by place, the card stays with the request


def test_a_department_with_cards_but_no_request_received_still_has_its_row(kpi_world, march, tree):
    from tests.factories import DepartmentFactory
    from tests.reports.conftest import _card

    idle = DepartmentFactory(region=tree["county"], name="丙局")
    _card(kpi_world["requests"]["r8"], "yellow", idle)
    table = kpi_table(scope=EVERYTHING, period=march)
    idle_row = next(r for r in table.rows if r.labels[0] == "丙局")
    assert (idle_row.kpis.received, idle_row.kpis.yellow_cards, idle_row.kpis.completion_rate) == (0, 1, None)
    assert table.total.yellow_cards == 3
