"""The store sales report as a background PDF job: queued from the page with its filters, built with
progress, the page's figures and the merchants in the PDF, and scoped like the page (a county admin their
county, a township admin their township, an operator their station; only the asker downloads it)."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import Role
from reports.building import STEP_CHARTS, STEP_PDF
from reports.models import ReportJob
from reports.selectors.dimensions import Period
from reports.selectors.shop_sales import SalesFigures, SalesRow, SalesTable
from reports.shop_sales_jobs import STEP_SUMMING, build_shop_sales
from reports.shop_sales_report import ShopSalesReport
from tests.factories import staff_user
from tests.gov_services.certificate_helpers import pdf_text, squash
from tests.reports import test_shop_sales

PAGE = "/county/reports/shop-sales/"
MARCH = "date_from=2026-03-01&date_to=2026-03-31"
sales = test_shop_sales.sales  # the fixture: March sales of two merchants
A, B = "甲商户", "乙商户"  # merchant A sells at `station` (township 0), B at `other_station` (township 1)


@pytest.fixture
def other_township_admin(tree):
    return staff_user(Role.TOWNSHIP_ADMIN, region=tree["townships"][-1])


def _queue(client, query: str = MARCH, job: str = "shop_sales:pdf", key: str | None = None):
    return client.post(reverse("reports:job-create"),
                       {"job": job, "query": query, "idempotency_key": key or str(uuid.uuid4())})


def _queued_pdf(client, capture, **kwargs) -> tuple[ReportJob, str]:
    """Queue a PDF (Celery runs eagerly after the commit) and return the job and the PDF's text."""
    with capture(execute=True):
        response = _queue(client, **kwargs)
    job = ReportJob.objects.filter(kind=ReportJob.Kind.SHOP_SALES).latest("pk")
    assert response.status_code == 302 and response["Location"] == reverse("reports:job-detail", args=[job.pk])
    assert job.status == ReportJob.Status.DONE, job.error
    download = client.get(reverse("reports:job-download", args=[job.pk]))
    content = b"".join(download.streaming_content)
    assert download.status_code == 200 and content.startswith(b"%PDF")
    return job, squash(pdf_text(content))


def test_the_page_offers_the_pdf_with_its_filters(client, county_admin, sales):
    client.force_login(county_admin)
    html = client.get(PAGE, {"date_from": "2026-03-01", "date_to": "2026-03-31", "group": "station"}).content.decode()
    assert f'action="{reverse("reports:job-create")}"' in html
    assert 'value="shop_sales:pdf"' in html and "group=station" in html


def test_the_pdf_has_the_page_s_merchants_stations_and_totals(client, county_admin, sales, station, other_station,
                                                              private_files, django_capture_on_commit_callbacks):
    client.force_login(county_admin)
    page = client.get(PAGE + "?" + MARCH).context
    key = str(uuid.uuid4())
    job, text = _queued_pdf(client, django_capture_on_commit_callbacks, key=key)
    assert job.progress == 100 and job.file_format == "pdf" and job.params["report"]["date_from"] == "2026-03-01"
    assert job.filename.startswith("shop-sales-20260301-20260331-") and job.filename.endswith(".pdf")
    for row in page["rows"]:
        assert squash(row["label"]) + "".join(str(v) for v in row["values"]) in text  # each row, as on the page
    assert [str(v) for v in page["total_values"]] == ["3", "130.00", "0.00", "3.90", "126.10", "1", "30.00"]
    assert "".join(str(v) for v in page["total_values"]) in text
    assert squash(station.name) in text and squash(other_station.name) in text  # the table by station
    assert "¥130.00" in text and "2026-03" in text and "84.6%" in text  # the headline; the trend; A's share
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _queue(client, key=key)  # a double click
    assert ReportJob.objects.count() == 1 and callbacks == []


def test_the_job_reports_its_steps_and_follows_the_chosen_grouping(county_admin, sales, station):
    job = ReportJob.objects.create(user=county_admin, kind=ReportJob.Kind.SHOP_SALES, file_format="pdf",
                                   idempotency_key=uuid.uuid4(), params={"report": {
                                       "date_from": "2026-03-01", "date_to": "2026-03-31", "group": "month",
                                       "township": None, "station": station.pk, "merchant": None}})
    steps = []
    content, name = build_shop_sales(job, lambda percent, step: steps.append((percent, step)))
    assert steps == [(10, STEP_SUMMING), (40, STEP_CHARTS), (60, STEP_PDF)]
    text = squash(pdf_text(content))
    assert A in text and B not in text and "¥110.00" in text and "¥130.00" not in text  # the station's only
    assert "按月份统计月份" in text and name.endswith(".pdf")  # the page's grouping (by month) comes first


def test_a_township_admin_gets_their_township_whatever_the_query_asks(
        client, other_township_admin, tree, station, sales, private_files, django_capture_on_commit_callbacks):
    client.force_login(other_township_admin)
    job, text = _queued_pdf(client, django_capture_on_commit_callbacks,
                            query=f"{MARCH}&township={tree['townships'][0].pk}&station={station.pk}")
    assert job.params["report"]["township"] is None and job.params["report"]["station"] is None
    assert B in text and A not in text and "¥20.00" in text and "¥130.00" not in text


def test_an_operator_gets_their_station_only(client, operator, other_station, sales, private_files,
                                             django_capture_on_commit_callbacks):
    client.force_login(operator)
    _job, text = _queued_pdf(client, django_capture_on_commit_callbacks, query=f"{MARCH}&station={other_station.pk}")
    assert A in text and B not in text and "¥110.00" in text and squash(other_station.name) not in text


def test_only_the_asker_sees_or_downloads_the_job(client, county_admin, other_township_admin, operator, sales,
                                                  private_files, django_capture_on_commit_callbacks):
    client.force_login(county_admin)
    key = str(uuid.uuid4())
    job, _text = _queued_pdf(client, django_capture_on_commit_callbacks, key=key)
    for user in (other_township_admin, operator):
        client.force_login(user)
        for name in ("job-detail", "job-status", "job-download"):
            assert client.get(reverse(f"reports:{name}", args=[job.pk])).status_code == 404
        assert _queue(client, key=key).status_code == 403  # someone else's idempotency key
    assert ReportJob.objects.count() == 1


@pytest.mark.parametrize("who", ["resident", "officer", "liaison"])
def test_people_without_commission_figures_may_not_queue_it(client, who, request, sales):
    client.force_login(request.getfixturevalue(who))
    assert _queue(client).status_code == 403
    assert not ReportJob.objects.exists()


@pytest.mark.parametrize("job", ["shop_sales", "shop_sales:xlsx", "shop_sales:csv"])
def test_a_format_the_sales_report_is_not_prepared_in_is_refused(client, county_admin, sales, job):
    client.force_login(county_admin)
    assert _queue(client, job=job).status_code == 400
    assert not ReportJob.objects.exists()


def test_the_share_chart_names_the_nine_largest_merchants_and_pools_the_rest():
    rows = [SalesRow(keys=(n,), labels=(f"商户{n}",), drill=(n,), figures=SalesFigures(goods_fen=100 * n))
            for n in range(1, 12)]
    table = SalesTable(dimensions=("merchant",), period=Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)),
                       rows=rows)
    report = ShopSalesReport(params={"group": "merchant"}, table=table, trend=table, merchants=table)
    shares = report.merchant_shares()
    assert shares[:2] == [("商户11", Decimal("11.00")), ("商户10", Decimal("10.00"))]
    assert len(shares) == 10 and shares[-1][1] == Decimal("3.00")  # merchants 1 and 2 together
    assert [table["heading"] for table in report.print_tables()] == ["会员商家", "月份"]  # no station table asked for
