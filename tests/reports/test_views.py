"""The report screens over HTTP: access per role, the figures on the page, downloads that match it,
drill-down links, and background jobs with their progress page."""

import csv
import io
import uuid

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import ReportJob

URL = "/county/reports/"
MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}


def test_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "next=" in response["Location"]


def test_resident_may_not_open_reports(client, resident):
    client.force_login(resident)
    assert client.get(URL).status_code == 403
    assert client.get(reverse("reports:request-analytics")).status_code == 403


def test_county_admin_sees_the_kpis_of_the_whole_county(client, county_admin, kpi_world):
    client.force_login(county_admin)
    response = client.get(URL, MARCH)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.total.received == 6 and str(report.total.completion_rate) == "66.7"
    body = response.content.decode()
    assert "66.7" in body and "<svg" in body and kpi_world["department_a"].name in body


def test_township_admin_sees_only_their_township_and_no_other_township_choice(client, township_admin, kpi_world,
                                                                             tree):
    client.force_login(township_admin)
    response = client.get(URL, {**MARCH, "group": "township"})
    report = response.context["report"]
    assert report.total.received == 5
    assert [row.labels[0] for row in report.table.rows] == [tree["townships"][0].name]
    choices = dict(response.context["form"].fields["township"].choices)
    assert tree["townships"][1].pk not in choices


def test_operator_sees_only_their_station_without_township_or_station_breakdown(client, operator, kpi_world):
    client.force_login(operator)
    response = client.get(URL, MARCH)
    assert response.status_code == 200
    assert response.context["report"].total.received == 5
    assert "township" not in response.context["form"].fields


def test_drill_down_goes_from_township_to_station_to_the_request_list(client, county_admin, kpi_world, tree, station):
    client.force_login(county_admin)
    rows = client.get(URL, {**MARCH, "group": "township"}).context["rows"]
    township_link = rows[0]["url"]
    assert f"township={tree['townships'][0].pk}" in township_link and "group=station" in township_link
    station_rows = client.get(URL + township_link).context["rows"]
    assert [r["label"] for r in station_rows] == [station.name]
    assert station_rows[0]["url"].startswith(reverse("gov_services:county-request-list"))
    assert f"station={station.pk}" in station_rows[0]["url"]


def test_csv_download_has_the_rows_and_total_of_the_page(client, county_admin, kpi_world):
    client.force_login(county_admin)
    page = client.get(URL, MARCH).context["report"]
    response = client.get(URL, {**MARCH, "format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(lines) == 1 + len(page.table.rows) + 1
    total = lines[-1]
    assert total[1] == "6" and "66.7" in total


def test_xlsx_download_opens_and_matches_the_page(client, county_admin, kpi_world):
    client.force_login(county_admin)
    page = client.get(URL, MARCH).context["report"]
    response = client.get(URL, {**MARCH, "format": "xlsx"})
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    values = list(sheet.values)
    by_label = {row[0]: row for row in values[1:]}
    for row in page.table.rows:
        assert by_label[row.labels[0]][1] == row.kpis.received
    assert values[-1][1] == 6
    assert values[-1][5] == 66.7  # the completion rate column (after received, accepted, rate, completed)
    assert len(workbook.worksheets) == 3


def test_a_pdf_report_is_prepared_in_the_background_and_downloaded_by_its_owner_only(
        client, county_admin, kpi_world, private_files, township_admin, resident,
        django_capture_on_commit_callbacks):
    client.force_login(county_admin)
    key = str(uuid.uuid4())
    data = {"job": "gov_kpis:pdf", "query": "date_from=2026-03-01&date_to=2026-03-31", "idempotency_key": key}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:job-create"), data)
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:job-detail", args=[job.pk])
    assert job.status == "done" and job.progress == 100 and job.params["report"]["date_from"] == "2026-03-01"
    status = client.get(reverse("reports:job-status", args=[job.pk])).json()
    assert status["finished"] and status["download_url"]
    download = client.get(status["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(reverse("reports:job-create"), data)  # a double click
    assert ReportJob.objects.count() == 1 and callbacks == []
    client.force_login(township_admin)
    assert client.get(reverse("reports:job-download", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:job-detail", args=[job.pk])).status_code == 404
    client.force_login(resident)  # no staff post: not the reports' workspace
    for name in ("job-detail", "job-status", "job-download"):
        assert client.get(reverse(f"reports:{name}", args=[job.pk])).status_code == 403


def test_every_request_export_has_one_row_per_request_and_no_personal_data(
        client, county_admin, kpi_world, private_files, django_capture_on_commit_callbacks):
    client.force_login(county_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:job-create"), {"job": "request_rows:xlsx",
                                                    "idempotency_key": str(uuid.uuid4()),
                                                    "query": "date_from=2026-03-01&date_to=2026-03-31"})
    job = ReportJob.objects.get()
    assert job.status == "done", job.error
    with job.file.open("rb") as f:
        rows = list(load_workbook(io.BytesIO(f.read())).worksheets[0].values)
    assert len(rows) == 1 + 6
    codes = {r[0] for r in rows[1:]}
    assert kpi_world["requests"]["r1"].tracking_code in codes
    flat = " ".join(str(v) for r in rows for v in r)
    assert kpi_world["requests"]["r1"].applicant_name not in flat
    assert kpi_world["requests"]["r1"].applicant_phone not in flat


def test_a_job_in_a_format_the_report_does_not_have_is_refused(client, county_admin, kpi_world):
    client.force_login(county_admin)
    response = client.post(reverse("reports:job-create"), {"job": "request_rows:pdf",
                                                           "idempotency_key": str(uuid.uuid4())})
    assert response.status_code == 400 and not ReportJob.objects.exists()


def test_job_page_shows_a_progress_bar_while_running(client, county_admin, db):
    job = ReportJob.objects.create(user=county_admin, kind="gov_kpis", file_format="pdf", status="running",
                                   progress=40, step="Drawing charts", idempotency_key=uuid.uuid4())
    client.force_login(county_admin)
    body = client.get(reverse("reports:job-detail", args=[job.pk])).content.decode()
    assert '<progress class="cz-report-progress" max="100" value="40"' in body
    assert 'http-equiv="refresh"' in body
    assert client.get(reverse("reports:job-status", args=[job.pk])).json()["progress"] == 40


def test_request_analytics_show_what_where_and_repeats(client, county_admin, kpi_world, station):
    client.force_login(county_admin)
    response = client.get(reverse("reports:request-analytics"), {**MARCH, "minimum": "2"})
    assert response.status_code == 200
    report = response.context["report"]
    assert report.total == 6
    assert report.stations[0].label == station.name and report.stations[0].count == 5
    assert report.repeats[0].count == 5 and report.repeats[0].village == station.village.name
    xlsx = client.get(reverse("reports:request-analytics"), {**MARCH, "format": "xlsx"})
    assert len(load_workbook(io.BytesIO(xlsx.content)).worksheets) == 6


@pytest.mark.parametrize("name", ["gov-kpis", "request-analytics"])
def test_report_pages_cost_a_fixed_number_of_queries(client, county_admin, kpi_world, name,
                                                     django_assert_max_num_queries):
    client.force_login(county_admin)
    url = reverse(f"reports:{name}")
    client.get(url, MARCH)  # warm the calendar cache and the session
    with django_assert_max_num_queries(30):
        client.get(url, MARCH)
