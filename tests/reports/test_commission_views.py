"""The commission report over HTTP: access per role, the figures on the page, drill-down from the county
to a station's transactions, downloads that match the page, the PDF job, and a fixed query count."""

import csv
import datetime
import io
import uuid

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.commission_report import CommissionParams, commission_report
from reports.models import ReportJob
from reports.selectors.scope import ReportScope
from tests.reports.commission_world import build_commission_world

URL = "/county/reports/commissions/"
MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}


@pytest.fixture
def world(settings, station, other_station, operator, county_admin):
    return build_commission_world(settings=settings, station=station, other_station=other_station,
                                  operator=operator, county_admin=county_admin)


def test_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "next=" in response["Location"]


@pytest.mark.parametrize("who", ["resident", "officer", "liaison"])
def test_people_without_commission_figures_are_refused(client, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert client.get(reverse("reports:commission-transactions")).status_code == 403
    assert client.post(reverse("reports:job-create"), {"job": "commissions:pdf"}).status_code == 403


def test_county_admin_sees_the_county_by_township_with_charts_and_tiers(client, county_admin, world, tree):
    client.force_login(county_admin)
    response = client.get(URL, MARCH)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.params.group == "township"
    assert report.total.gross_fen == 1_250 and report.total.net_fen == 1_137
    body = response.content.decode()
    assert "¥11.37" in body and "¥9.55" in body  # net commission; the operators' share
    assert body.count("<svg") == 3
    assert tree["townships"][0].name in body and tree["townships"][1].name in body
    assert 'href="/county/reports/commissions/"' in body and 'aria-current="page">' in body


def test_the_default_period_is_the_last_full_month(client, county_admin, world):
    client.force_login(county_admin)
    params = client.get(URL).context["report"].params
    assert params.date_from.day == 1 and params.date_to.month == params.date_from.month
    assert params.date_to < params.date_from.replace(day=28) + datetime.timedelta(days=4)


def test_township_admin_sees_only_their_township(client, township_admin, world, tree):
    client.force_login(township_admin)
    response = client.get(URL, MARCH)
    report = response.context["report"]
    assert [row.labels[0] for row in report.table.rows] == [tree["townships"][0].name]
    assert report.total.gross_fen == 950
    assert tree["townships"][1].pk not in dict(response.context["form"].fields["township"].choices)


def test_operator_sees_their_own_station_by_provider_without_township_or_station_choice(client, operator, world):
    client.force_login(operator)
    response = client.get(URL, MARCH)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.params.group == "provider" and report.total.gross_fen == 950
    assert "township" not in response.context["form"].fields and "station" not in response.context["form"].fields
    other_station_only = client.get(URL, {**MARCH, "group": "station"}).context["report"]
    assert other_station_only.params.group == "provider"  # refused choice, default kept


def test_drill_down_goes_from_township_to_station_to_its_transactions(client, county_admin, world, tree, station):
    client.force_login(county_admin)
    rows = client.get(URL, MARCH).context["rows"]
    township_link = rows[0]["url"]
    assert f"township={tree['townships'][0].pk}" in township_link and "group=station" in township_link
    station_rows = client.get(URL + township_link).context["rows"]
    assert [r["label"] for r in station_rows] == [station.name]
    transactions_url = station_rows[0]["url"]
    assert transactions_url.startswith(reverse("reports:commission-transactions"))
    page = client.get(transactions_url)
    assert page.status_code == 200
    assert [j.counter_transaction.reference for j in page.context["journals"]] == [
        world["txs"][k].reference for k in ("s4", "s3", "s3", "s2", "s1")]
    assert [s.pk for s in page.context["statements"]] == [world["statement"].pk]
    body = page.content.decode()
    assert reverse("agency:county-statement-detail", args=[world["statement"].pk]) in body
    assert "−¥1.00" in body  # the clawed-back commission of the reversal


def test_operator_transactions_are_their_own_and_link_to_their_statement_page(client, operator, world, station,
                                                                               other_station):
    client.force_login(operator)
    page = client.get(reverse("reports:commission-transactions"), {**MARCH, "station": other_station.pk})
    assert {j.station_id for j in page.context["journals"]} == {station.pk}
    assert reverse("agency:counter-statement-detail", args=[world["statement"].pk]) in page.content.decode()


def test_csv_download_has_the_rows_and_total_of_the_page(client, county_admin, world):
    client.force_login(county_admin)
    page = client.get(URL, {**MARCH, "group": "product"}).context["report"]
    response = client.get(URL, {**MARCH, "group": "product", "format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(lines) == 1 + len(page.table.rows) + 1
    assert lines[-1][1] == "6" and "12.50" in lines[-1] and "11.37" in lines[-1]


def test_xlsx_download_opens_and_matches_the_page(client, county_admin, world, station):
    client.force_login(county_admin)
    response = client.get(URL, {**MARCH, "group": "station", "format": "xlsx"})
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.worksheets) == 5
    values = list(workbook.worksheets[0].values)
    by_label = {row[0]: row for row in values[1:]}
    gross, net, paid = 5, 8, 15  # columns: after transactions, volume, reversals, reversed volume; statements last
    assert by_label[station.name][1] == 4 and by_label[station.name][gross] == 9.5
    assert values[-1][net] == 11.37 and values[-1][paid] == 1 and len(values[0]) == 17


def test_a_pdf_report_is_prepared_in_the_background(client, county_admin, world, private_files,
                                                    django_capture_on_commit_callbacks):
    client.force_login(county_admin)
    data = {"job": "commissions:pdf", "query": "date_from=2026-03-01&date_to=2026-04-30&group=station",
            "idempotency_key": str(uuid.uuid4())}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:job-create"), data)
    job = ReportJob.objects.get()
    assert response["Location"] == reverse("reports:job-detail", args=[job.pk])
    assert job.status == "done", job.error
    assert job.kind == "commissions" and job.params["report"]["group"] == "station"
    with job.file.open("rb") as f:
        assert f.read(4) == b"%PDF"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(reverse("reports:job-create"), data)  # a double click
    assert ReportJob.objects.count() == 1 and callbacks == []


def test_every_transaction_export_has_one_row_per_posting(client, township_admin, world, private_files,
                                                          django_capture_on_commit_callbacks):
    client.force_login(township_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:job-create"), {
            "job": "commission_rows:csv", "idempotency_key": str(uuid.uuid4()),
            "query": "date_from=2026-03-01&date_to=2026-04-30"})
    job = ReportJob.objects.get()
    assert job.status == "done", job.error
    with job.file.open("rb") as f:
        lines = list(csv.reader(io.StringIO(f.read().decode("utf-8-sig"))))
    assert len(lines) == 1 + 6  # the township's station: five payments and one reversal
    assert sorted(line[7] for line in lines[1:]) == ["-1.00", "1.00", "1.00", "1.00", "2.50", "5.00"]


@pytest.mark.parametrize("job", ["no_such_report:pdf", "commission_rows:pdf", "shop_sales:csv", "commissions"])
def test_a_file_no_report_prepares_is_refused_and_nothing_is_queued(client, county_admin, world, job):
    client.force_login(county_admin)
    response = client.post(reverse("reports:job-create"), {"job": job, "idempotency_key": str(uuid.uuid4())})
    assert response.status_code == 400 and not ReportJob.objects.exists()


def test_the_report_costs_a_fixed_number_of_queries(world, django_assert_num_queries):
    params = CommissionParams(date_from=datetime.date(2026, 3, 1),
                              date_to=datetime.date(2026, 4, 30), group="township")
    # from the rollups: table by township (3) + months (2) + products (2) + stations (3)
    with django_assert_num_queries(10):
        commission_report(scope=ReportScope(everything=True), params=params)


def test_the_page_costs_a_bounded_number_of_queries(client, county_admin, world, django_assert_max_num_queries):
    client.force_login(county_admin)
    client.get(URL, MARCH)
    with django_assert_max_num_queries(30):
        client.get(URL, MARCH)


def test_rows_by_provider_have_no_statement_columns_and_the_trend_lines_up(client, county_admin, world):
    client.force_login(county_admin)
    response = client.get(URL, {**MARCH, "group": "provider"})
    report, headings = response.context["report"], response.context["headings"]
    assert not report.with_statements and len(headings) == 11
    assert all(len(row["values"]) == len(headings) for row in response.context["rows"])
    assert all(len(row["values"]) == len(headings) for row in report.trend_rows())


@pytest.mark.parametrize(("query", "error"), [
    ({"date_from": "2026-03-31", "date_to": "2026-03-01"}, "结束日期早于开始日期。"),
    ({"date_from": "2022-01-01", "date_to": "2026-03-31"}, "每次最多选择三年。"),
])
def test_a_reversed_or_over_long_period_is_refused_beside_the_end_date(client, county_admin, world, query, error):
    client.force_login(county_admin)
    response = client.get(URL, query)
    assert response.context["form"].errors["date_to"] == [error]
