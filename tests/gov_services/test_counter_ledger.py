"""The counter's ledger of a station's requests: filters, no N+1 however many rows, the XLSX export."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from gov_services.identifiers import format_tracking_code
from gov_services.models import ServiceRequest
from tests.factories import (
    ServiceItemFactory,
    ServiceRequestFactory,
)
from tests.gov_services.counter_helpers import url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

S = ServiceRequest.Status


# ---------------------------------------------------------------------------------------------
# The ledger and its export
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def ledger(station, other_station, request_item, department):
    """Requests at the station over two months, in several categories and statuses; one elsewhere."""
    licence = ServiceItemFactory(department=department, name="小型餐饮许可", category="licence")
    this_month = timezone.localtime().replace(day=10, hour=9)
    last_month = (this_month.replace(day=1) - datetime.timedelta(days=1)).replace(day=10)

    def make(when, **fields):
        row = ServiceRequestFactory(station=station, **fields)
        ServiceRequest.objects.filter(pk=row.pk).update(submitted_at=when)
        return row

    return {
        "now_public": make(this_month, item=request_item),
        "now_licence": make(this_month, item=licence, status=S.ACCEPTED,
                            due_at=timezone.now() - datetime.timedelta(days=1)),
        "now_appeal": make(this_month, kind="appeal", item=None, appeal_category="complaint", subject="噪音扰民",
                           department=department),
        "then_public": make(last_month, item=request_item, status=S.COMPLETED),
        "elsewhere": ServiceRequestFactory(station=other_station, item=request_item),
        "this_month": this_month, "last_month": last_month,
    }


def test_ledger_lists_the_stations_requests_filtered_by_month_category_and_status(operator_client, ledger):
    def shown(**params):
        return {r.pk for r in operator_client.get(url("counter-ledger"), params).context["service_requests"]}

    everything = shown()
    assert everything == {ledger[k].pk for k in ("now_public", "now_licence", "now_appeal", "then_public")}
    month = f"{ledger['last_month']:%Y-%m}"
    assert shown(month=month) == {ledger["then_public"].pk}
    assert shown(month=f"{ledger['this_month']:%Y-%m}", category="public_service") == {ledger["now_public"].pk}
    assert shown(category="complaint") == {ledger["now_appeal"].pk}
    assert shown(status="accepted") == {ledger["now_licence"].pk}
    assert shown(category="no-such-category") == everything  # an unknown filter is ignored (and flagged)

    page = operator_client.get(url("counter-ledger")).content.decode()
    public = ledger["now_public"]
    assert format_tracking_code(public.tracking_code) in page and public.masked_id_number in page
    assert public.applicant_id_number not in page
    assert "噪音扰民" in page and "小型餐饮许可" in page and "cz-req--overdue" in page


def test_ledger_pages_cost_the_same_few_queries_however_many_rows(operator_client, station, request_item):
    ServiceRequestFactory.create_batch(30, station=station, item=request_item)
    operator_client.get(url("counter-ledger"))  # warm per-process caches (calendar, site, permissions)
    with CaptureQueriesContext(connection) as thirty:
        response = operator_client.get(url("counter-ledger"), {"status": "submitted"})
    assert len(response.context["service_requests"]) == 25 and response.context["is_paginated"]
    ServiceRequestFactory.create_batch(30, station=station, item=request_item)
    with CaptureQueriesContext(connection) as sixty:
        operator_client.get(url("counter-ledger"), {"status": "submitted", "page": 2})
    # Ours are the station, the count and the page of rows; the rest is session, user, savepoint and
    # Oscar's notifications. None of them may grow with the rows.
    assert len(sixty) == len(thirty) <= 10


def test_ledger_exports_the_filtered_rows_to_xlsx(operator_client, ledger):
    response = operator_client.get(url("counter-ledger-export"), {"month": f"{ledger['this_month']:%Y-%m}"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment;") and ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert len(header) == 12
    codes = {row[0] for row in rows}
    assert codes == {format_tracking_code(ledger[k].tracking_code) for k in ("now_public", "now_licence", "now_appeal")}
    appeal = next(row for row in rows if row[0] == format_tracking_code(ledger["now_appeal"].tracking_code))
    assert appeal[4] == "噪音扰民" and appeal[6] == ledger["now_appeal"].masked_id_number
    assert isinstance(appeal[1], datetime.datetime)
    assert all(row[6] and "********" in row[6] for row in rows)


def test_a_month_not_offered_is_reported_in_chinese_and_the_other_filters_still_apply(operator_client, ledger):
    response = operator_client.get(url("counter-ledger"), {"month": "1999-01", "status": "accepted"})
    assert response.status_code == 200
    assert "不在可用的选项中" in response.context["filter_form"].errors["month"][0]
    assert {r.pk for r in response.context["service_requests"]} == {ledger["now_licence"].pk}
    export = operator_client.get(url("counter-ledger-export"), {"month": "1999-01"})
    assert export.status_code == 200 and "1999" not in export["Content-Disposition"]
