"""The counter's request screens, who gets in (per role and per station), and a filed request's pages:
detail, attachment download, supplement and receipt."""

import uuid

import pytest
from django.utils import translation

from accounts.roles import Role
from gov_services.identifiers import format_tracking_code
from gov_services.models import RequestEvent, ServiceRequest
from gov_services.requests import services as services
from tests.factories import (
    DepartmentFactory,
    RequiredMaterialFactory,
    ServiceItemFactory,
    pdf_bytes,
    staff_user,
    upload,
    valid_id_number,
)
from tests.gov_services.counter_helpers import scan_png, url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

S = ServiceRequest.Status


@pytest.fixture
def other_operator(other_station):
    return staff_user(Role.OPERATOR, station=other_station)


@pytest.fixture
def filed(operator, station, request_item, id_card):
    """An application filed at the operator's station through the service, with one PNG scan (this module's own:
    it replaces the `filed` of conftest.py)."""
    return services.service_request_submit(
        actor=operator, idempotency_key=uuid.uuid4(), kind="application", item=request_item,
        applicant_name="李淑芬", applicant_id_number=valid_id_number(7), applicant_phone="13987654321",
        consent="witnessed", channel="counter", station=station, form_data={"purpose": "就业"},
        attachments=[upload("id-front.png", scan_png(), id_card)])


# ---------------------------------------------------------------------------------------------
# Who gets in
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who, status", [
    ("operator", 200), ("liaison", 200), ("officer", 403), ("county_admin", 403), ("township_admin", 403),
    ("resident", 403), ("superuser", 403),
])
def test_only_a_stations_operators_and_liaisons_open_the_counter_request_screens(client, request, who, status,
                                                                                 request_item):
    client.force_login(request.getfixturevalue(who))
    for target in (url("counter-ledger"), url("counter-ledger-export"), url("counter-request-create"),
                   url("counter-application-create", request_item.pk), url("counter-appeal-create")):
        assert client.get(target).status_code == status, target


def test_anonymous_visitors_are_sent_to_sign_in(client, filed):
    for target in (url("counter-ledger"), url("counter-request-create"), url("counter-request-detail", filed.pk),
                   url("counter-request-receipt", filed.pk),
                   url("counter-attachment-download", filed.attachments.get().pk)):
        response = client.get(target)
        assert response.status_code == 302 and "login" in response["Location"], target


def test_another_stations_operator_gets_404_on_the_request_its_receipt_and_its_files(client, filed, other_operator):
    client.force_login(other_operator)
    attachment = filed.attachments.get()
    events = filed.events.count()
    assert client.get(url("counter-request-detail", filed.pk)).status_code == 404
    assert client.get(url("counter-request-receipt", filed.pk)).status_code == 404
    assert client.get(url("counter-attachment-download", attachment.pk)).status_code == 404
    assert client.post(url("counter-request-supplement", filed.pk), {"note": "x"}).status_code == 404
    assert filed.events.count() == events
    assert client.get(url("counter-ledger")).context["service_requests"] == []


# ---------------------------------------------------------------------------------------------
# Detail, attachments, supplement, receipt
# ---------------------------------------------------------------------------------------------

def test_request_detail_shows_status_timeline_eform_and_scans(operator_client, filed):
    response = operator_client.get(url("counter-request-detail", filed.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert format_tracking_code(filed.tracking_code) in page and filed.masked_id_number in page
    assert ("用途", "就业") in response.context["form_rows"]
    assert url("counter-attachment-download", filed.attachments.get().pk) in page
    with translation.override("zh-hans"):
        assert [(row.to_label, row.moved) for row in response.context["timeline"]] == [(str(S.SUBMITTED.label), False)]
    assert response.context["supplement"] is None


def test_attachment_download_streams_the_private_file_with_safe_headers(operator_client, filed):
    attachment = filed.attachments.get()
    response = operator_client.get(url("counter-attachment-download", attachment.pk))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == scan_png()
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;") and "id-front.png" in response[
        "Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_operator_resubmits_a_returned_request_with_a_new_scan_once(operator_client, filed, officer, household_book):
    services.service_request_return(request=filed, actor=officer, note="请补充户口簿扫描件")
    page = operator_client.get(url("counter-request-detail", filed.pk))
    assert page.context["supplement"] is not None and "请补充户口簿扫描件" in page.content.decode()

    data = {f"material-{household_book.pk}": upload("户口簿.png", scan_png()), "note": "已补户口簿"}
    response = operator_client.post(url("counter-request-supplement", filed.pk), data)
    assert response.status_code == 302 and response["Location"] == url("counter-request-detail", filed.pk)
    filed.refresh_from_db()
    assert filed.status == S.SUBMITTED and filed.attachments.count() == 2
    assert RequestEvent.objects.filter(request=filed, action="resubmit", note="已补户口簿").count() == 1

    again = operator_client.post(url("counter-request-supplement", filed.pk),
                                 {f"material-{household_book.pk}": upload("户口簿.png", scan_png()),
                                  "note": "已补户口簿"})
    assert again.status_code == 302
    assert filed.attachments.count() == 2 and RequestEvent.objects.filter(action="resubmit").count() == 1


def test_a_disguised_supplement_file_comes_back_beside_its_field(operator_client, filed, officer, household_book):
    services.service_request_return(request=filed, actor=officer, note="请补充户口簿")
    response = operator_client.post(url("counter-request-supplement", filed.pk),
                                    {f"material-{household_book.pk}": upload("户口簿.png", pdf_bytes())})
    assert response.status_code == 200
    assert response.context["scans"].errors[f"material-{household_book.pk}"]
    filed.refresh_from_db()
    assert filed.status == S.RETURNED and filed.attachments.count() == 1


def test_receipt_shows_the_tracking_code_the_item_and_how_to_follow_it(operator_client, filed, station):
    response = operator_client.get(url("counter-request-receipt", filed.pk))
    page = response.content.decode()

    assert response.status_code == 200
    assert format_tracking_code(filed.tracking_code) in page
    assert station.name in page and "户籍证明（申请测试）" in page and filed.department.name in page
    assert "李淑芬" in page and filed.masked_id_number in page and filed.applicant_id_number not in page
    assert response.context["limit_days"] == 5
    [(label, count)] = response.context["received"]
    assert label.startswith("身份证") and count == 1
    assert "/track/" in page and "data-print" in page
    assert filed.applicant_phone not in page  # the last four digits are the resident's to give


def test_an_appeal_receipt_gives_the_appeal_time_limit(operator_client, operator, station, dispatch_desk):
    appeal = services.service_request_submit(
        actor=operator, idempotency_key=uuid.uuid4(), kind="appeal", appeal_category="consultation",
        subject="养老保险怎么交", description="想问问今年怎么交", applicant_name="钱大妈",
        applicant_id_number=valid_id_number(9), applicant_phone="13600002222", consent="witnessed",
        channel="counter", station=station, form_data={})
    response = operator_client.get(url("counter-request-receipt", appeal.pk))
    assert response.status_code == 200 and "养老保险怎么交" in response.content.decode()
    assert response.context["limit_days"] == 5 and response.context["received"] == []


def test_counter_screens_keep_to_the_operators_own_station_even_for_a_township_item(client, tree, station,
                                                                                      operator):
    """An item accepted only from the township up is not offered at the village counter."""
    town = DepartmentFactory(region=tree["townships"][0], level="township")
    item = ServiceItemFactory(department=town, name="宅基地审批", lowest_level="township")
    RequiredMaterialFactory(item=item, name="申请书")
    client.force_login(operator)
    assert item not in client.get(url("counter-request-create"), {"q": "宅基地"}).context["items"]
    assert client.get(url("counter-application-create", item.pk)).status_code == 404
