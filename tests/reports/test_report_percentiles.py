"""Medians and percentiles computed in the database equal the same computation in Python, exactly, on
seeded random requests (run on SQLite and, with DATABASE_URL set, on PostgreSQL); the reports' id-based
scope filter picks the same requests as the scope module's path filter; report pages cost the same
queries however many requests there are."""

import datetime
import random

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gov_services.models import CalendarDay, ServiceRequest
from gov_services.selectors.calendar import calendar_changed, work_calendar
from reports.kpis import WorkingDayIndex, weighted_median
from reports.selectors.aggregates import PercentileCont, percentile_cont
from reports.selectors.dimensions import Period
from reports.selectors.gov_kpis import days_to_complete, kpi_table
from reports.selectors.scope import ReportScope
from stations.scope import grants_q
from tests.factories import DepartmentFactory, ServiceItemFactory, StationFactory
from tests.reports.factories import make_request

SPRING = Period(datetime.date(2026, 3, 1), datetime.date(2026, 4, 30))
FRACTIONS = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0)


@pytest.fixture
def random_requests(tree):
    """90 requests in three departments over March and April 2026 (a holiday and a make-up working day
    in between), two thirds completed 0–40 days later; seeded, so every run sees the same."""
    CalendarDay.objects.update_or_create(
        date=datetime.date(2026, 4, 6), defaults={"kind": CalendarDay.Kind.HOLIDAY, "name": "清明节"}
    )
    CalendarDay.objects.update_or_create(
        date=datetime.date(2026, 4, 12), defaults={"kind": CalendarDay.Kind.WORKDAY, "name": "调休"}
    )
    calendar_changed()
    rng = random.Random(20261206)
    departments = [DepartmentFactory(region=tree["county"]) for _ in range(3)]
    items = [ServiceItemFactory(department=d) for d in departments]
    stations = [StationFactory(village=v) for v in tree["villages"]]
    made = []
    for _ in range(90):
        d = rng.randrange(3)
        submitted = SPRING.start + datetime.timedelta(days=rng.randrange(61))
        completed = (submitted + datetime.timedelta(days=rng.randrange(41))) if rng.random() < 2 / 3 else None
        made.append(
            make_request(
                item=items[d],
                station=rng.choice(stations),
                submitted=submitted.isoformat(),
                accepted=submitted.isoformat(),
                completed=completed.isoformat() if completed else None,
            )
        )
    return {"departments": departments, "requests": made}


def _python_days(requests) -> dict[int, list[int]]:
    """Working days to complete per department id, from the local dates, as deadlines.py counts them."""
    index = WorkingDayIndex(work_calendar(), SPRING.start, datetime.date(2026, 6, 30))
    out: dict[int, list[int]] = {}
    for r in requests:
        if r.completed_at is not None:
            out.setdefault(r.department_id, []).append(
                index.between(
                    r.submitted_at.astimezone(datetime.timezone(datetime.timedelta(hours=8))).date(),
                    r.completed_at.astimezone(datetime.timezone(datetime.timedelta(hours=8))).date(),
                )
            )
    return out


def test_the_tables_medians_equal_the_python_median_of_the_same_requests(random_requests):
    expected = _python_days(random_requests["requests"])
    table = kpi_table(scope=ReportScope.public(), period=SPRING, dimensions=("department",))
    medians = {row.keys[0]: row.kpis.median_days_to_complete for row in table.rows}
    assert medians == {d: weighted_median((v, 1) for v in days) for d, days in expected.items()}
    every = [v for days in expected.values() for v in days]
    assert table.total.median_days_to_complete == weighted_median((v, 1) for v in every)
    assert kpi_table(
        scope=ReportScope.public(), period=SPRING, dimensions=()
    ).total.median_days_to_complete == (weighted_median((v, 1) for v in every))


@pytest.mark.parametrize("fraction", FRACTIONS)
def test_percentiles_in_the_database_equal_percentile_cont_in_python(random_requests, fraction):
    expected = _python_days(random_requests["requests"])
    rows = (
        ServiceRequest.objects.filter(SPRING.request_q(), completed_at__isnull=False)
        .values(d=F("department_id"))
        .annotate(p=PercentileCont(days_to_complete(SPRING), fraction))
        .order_by()
    )
    assert {row["d"]: row["p"] for row in rows} == {
        d: percentile_cont(days, fraction) for d, days in expected.items()
    }


def test_an_empty_group_has_no_percentile(db):
    row = ServiceRequest.objects.none().aggregate(p=PercentileCont(F("pk"), 0.5))
    assert row["p"] is None
    assert ServiceRequest.objects.filter(pk=-1).aggregate(p=PercentileCont(F("pk"), 0.5))["p"] is None


def test_percentile_cont_interpolates_like_postgresql():
    assert percentile_cont([1, 2, 3, 4], 0.5) == 2.5
    assert percentile_cont([4, 1, None, 3, 2], 0.25) == 1.75
    assert percentile_cont([7], 0.9) == 7.0
    assert percentile_cont([], 0.5) is None
    with pytest.raises(ValueError):
        PercentileCont(F("pk"), 1.5)


def test_the_reports_scope_filter_picks_the_scope_modules_requests(tree, random_requests):
    # Requests placed every way a request can be: by their own village, by their station's, by neither
    # (their department's region), in the first township and elsewhere.
    other_department = DepartmentFactory(region=tree["townships"][0])
    item = ServiceItemFactory(department=other_department)
    make_request(item=item, department=other_department, submitted="2026-03-03")  # no station, no village
    make_request(
        item=item,
        village=tree["villages"][0],
        station=StationFactory(village=tree["villages"][-1]),
        submitted="2026-03-04",
    )  # filed online from the first township, about the last one's station
    for paths in (
        (tree["county"].path,),
        (tree["townships"][0].path,),
        (tree["villages"][-1].path,),
        (tree["townships"][0].path, tree["villages"][-1].path),
    ):
        scope = ReportScope(region_paths=paths)
        ours = set(ServiceRequest.objects.filter(scope.request_q()).values_list("pk", flat=True))
        theirs = set(
            ServiceRequest.objects.filter(
                grants_q(region_paths=paths, place=ServiceRequest.PLACE)
            ).values_list("pk", flat=True)
        )
        assert ours == theirs and ours, paths
    station_ids = (random_requests["requests"][0].station_id,)
    department_ids = (random_requests["departments"][1].pk,)
    scope = ReportScope(
        region_paths=(tree["villages"][0].path,), station_ids=station_ids, department_ids=department_ids
    )
    ours = set(ServiceRequest.objects.filter(scope.request_q()).values_list("pk", flat=True))
    theirs = set(
        ServiceRequest.objects.filter(
            grants_q(
                region_paths=scope.region_paths,
                station_ids=station_ids,
                department_ids=department_ids,
                place=ServiceRequest.PLACE,
                station="station_id",
                department="department_id",
            )
        ).values_list("pk", flat=True)
    )
    assert ours == theirs


@pytest.mark.parametrize("name", ["gov-kpis", "request-analytics"])
def test_a_report_page_costs_the_same_queries_with_three_times_the_requests(client, county_admin, tree, name):
    department = DepartmentFactory(region=tree["county"])
    item = ServiceItemFactory(department=department)
    stations = [StationFactory(village=v) for v in tree["villages"]]

    def add(n):
        for i in range(n):
            make_request(
                item=item,
                station=stations[i % len(stations)],
                submitted=f"2026-03-{1 + i % 28:02d}",
                accepted=f"2026-03-{1 + i % 28:02d}",
                completed="2026-04-02" if i % 2 else None,
            )

    client.force_login(county_admin)
    url, query = reverse(f"reports:{name}"), {"date_from": "2026-03-01", "date_to": "2026-04-30"}
    add(12)  # enough for repeat requests (which name their villages and items)
    client.get(url, query)  # warm the calendar cache and the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, query).status_code == 200
    add(24)
    client.get(url, query)  # the same warm caches as before
    with CaptureQueriesContext(connection) as more:
        assert client.get(url, query).status_code == 200
    assert len(more) == len(few)


def test_several_tables_from_one_read_equal_each_table_on_its_own(random_requests, django_assert_num_queries):
    from reports.selectors.gov_kpis import kpi_tables

    # Month last but one after two groupings without it: its NULLs must still be typed as a month.
    groupings = [("department",), ("township",), ("month",), ("department", "month"), ()]
    work_calendar()
    with django_assert_num_queries(5):  # requests, returns, cards; department and township labels
        tables = kpi_tables(scope=ReportScope.public(), period=SPRING, groupings=groupings)
    for table, grouping in zip(tables, groupings, strict=True):
        alone = kpi_table(scope=ReportScope.public(), period=SPRING, dimensions=grouping)
        assert table.rows == alone.rows and table.total == alone.total
        assert (
            sum(row.kpis.received for row in table.rows) == len(random_requests["requests"]) or not grouping
        )
    assert tables[-1].total.received == len(random_requests["requests"])
