"""The counter's request screens (/counter/requests/ …): one HTTP test per flow, asserting the response
and the database; access per role and per station; no N+1 on the ledger."""

import base64
import datetime
import io
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from PIL import Image

from accounts.roles import Role
from gov_services.identifiers import format_tracking_code
from gov_services.models import Attachment, RequestEvent, ServiceRequest
from gov_services.services import requests as services
from tests.factories import (
    DepartmentFactory,
    RequiredMaterialFactory,
    ServiceItemFactory,
    ServiceRequestFactory,
    StaffAssignmentFactory,
    UserFactory,
    pdf_bytes,
    upload,
    valid_id_number,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

S = ServiceRequest.Status


def url(name, *args):
    return reverse(f"gov_services:{name}", args=args)


def scan_png(size=(60, 40), colour=(230, 225, 210)) -> bytes:
    """A small real PNG, as a scanner would send it."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def signature_data_url() -> str:
    """What the signature pad puts in its hidden input: a PNG data URL."""
    buffer = io.BytesIO()
    image = Image.new("RGBA", (300, 100), (255, 255, 255, 255))
    for x in range(40, 260):
        image.putpixel((x, 50 + (x % 7)), (17, 17, 17, 255))
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def stored_files(root: Path) -> int:
    return sum(1 for p in Path(root).rglob("*") if p.is_file()) if Path(root).exists() else 0


@pytest.fixture
def id_card(request_item):
    return request_item.materials.get(name="身份证")


@pytest.fixture
def household_book(request_item):
    return request_item.materials.get(name="户口簿")


@pytest.fixture
def other_operator(other_station):
    user = UserFactory(roles=[Role.OPERATOR])
    StaffAssignmentFactory(user=user, role="operator", station=other_station)
    return user


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def application_data(request_item, id_card):
    """A complete application form as the browser posts it (make a new dict per post: files are read)."""

    def _data(**overrides):
        data = {
            "idempotency_key": str(uuid.UUID(int=1)),
            "applicant_name": "王秀英", "applicant_id_number": valid_id_number(1), "applicant_phone": "13812345678",
            "consent": "signature", "signature": signature_data_url(),
            "eform-purpose": "子女入学",
            f"material-{id_card.pk}": upload("身份证.png", scan_png()),
        }
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    return _data


@pytest.fixture
def filed(operator, station, request_item, id_card):
    """An application filed at the operator's station through the service, with one PNG scan."""
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
# Step 1: find the item
# ---------------------------------------------------------------------------------------------

def test_operator_finds_an_item_by_pinyin_initials_among_those_the_village_station_accepts(
        operator_client, request_item, department):
    county_only = ServiceItemFactory(department=department, name="户籍证明（县级）", lowest_level="county")
    inactive = ServiceItemFactory(department=department, name="户籍证明（停办）", is_active=False)
    other = ServiceItemFactory(department=department, name="路灯维修")

    response = operator_client.get(url("counter-request-create"), {"q": "hjzm"})

    assert response.status_code == 200
    found = list(response.context["items"])
    assert request_item in found
    assert county_only not in found and inactive not in found and other not in found
    assert url("counter-application-create", request_item.pk) in response.content.decode()
    # The same item by a Chinese substring; a county-level item cannot be opened at step 2 either.
    assert request_item in operator_client.get(url("counter-request-create"), {"q": "户籍"}).context["items"]
    assert operator_client.get(url("counter-application-create", county_only.pk)).status_code == 404


def test_the_application_page_shows_the_item_its_checklist_and_a_fresh_idempotency_key(operator_client,
                                                                                      request_item, id_card):
    request_item.fee_fen = 2000
    request_item.save()
    response = operator_client.get(url("counter-application-create", request_item.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "户籍证明（申请测试）" in page and request_item.department.name in page and "20.00" in page
    assert f'name="material-{id_card.pk}"' in page and "multiple" in page
    assert 'name="eform-purpose"' in page and "data-signature-pad" in page
    key = response.context["form"]["idempotency_key"].value()
    assert uuid.UUID(str(key)) and f'value="{key}"' in page
    assert operator_client.get(url("counter-application-create", request_item.pk)).context["form"][
        "idempotency_key"].value() != key


# ---------------------------------------------------------------------------------------------
# Step 2: file it
# ---------------------------------------------------------------------------------------------

def test_operator_files_an_application_with_a_png_scan_and_a_signature(operator_client, operator, station,
                                                                       request_item, id_card, household_book,
                                                                       application_data, private_files,
                                                                       django_capture_on_commit_callbacks):
    data = application_data(**{f"material-{household_book.pk}": [upload("户口簿-1.png", scan_png((50, 50))),
                                                                  upload("户口簿-2.pdf", pdf_bytes())]})
    with django_capture_on_commit_callbacks(execute=True):  # the draft's copies are deleted after the commit
        response = operator_client.post(url("counter-application-create", request_item.pk), data)

    filed = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == url("counter-request-receipt", filed.pk)
    assert filed.idempotency_key == uuid.UUID(int=1)
    assert (filed.kind, filed.item, filed.station, filed.filed_by, filed.channel) == (
        "application", request_item, station, operator, "counter")
    assert (filed.applicant_name, filed.applicant_id_number, filed.applicant_phone) == (
        "王秀英", valid_id_number(1), "13812345678")
    assert filed.form_data == {"purpose": "子女入学"} and filed.consent == "signature" and filed.status == S.SUBMITTED
    assert filed.signature.read().startswith(b"\x89PNG")
    scans = {(a.material_id, a.original_name, a.content_type) for a in filed.attachments.all()}
    assert scans == {(id_card.pk, "身份证.png", "image/png"), (household_book.pk, "户口簿-1.png", "image/png"),
                     (household_book.pk, "户口簿-2.pdf", "application/pdf")}
    assert RequestEvent.objects.filter(request=filed, action="submit").count() == 1
    assert stored_files(private_files) == 4  # three scans and the signature


def test_sending_the_same_form_again_files_one_request(operator_client, request_item, application_data):
    """A double click, or a resend after the network dropped: the same key returns the first request."""
    first = operator_client.post(url("counter-application-create", request_item.pk), application_data())
    again = operator_client.post(url("counter-application-create", request_item.pk), application_data())

    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert ServiceRequest.objects.count() == 1 and Attachment.objects.count() == 1
    assert RequestEvent.objects.count() == 1


def test_the_same_key_with_other_content_is_refused_and_files_nothing_more(operator_client, request_item,
                                                                          application_data):
    operator_client.post(url("counter-application-create", request_item.pk), application_data())
    response = operator_client.post(url("counter-application-create", request_item.pk),
                                    application_data(applicant_name="王秀兰"))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert response.context["form"].idempotency_conflict is True
    assert ServiceRequest.objects.count() == 1


def test_a_disguised_file_is_refused_beside_its_field_and_nothing_is_saved(operator_client, request_item,
                                                                           id_card, application_data,
                                                                           private_files):
    disguised = upload("身份证.png", b"MZ\x90\x00 this is a program, not a scan" * 20)
    response = operator_client.post(url("counter-application-create", request_item.pk),
                                    application_data(**{f"material-{id_card.pk}": disguised}))

    assert response.status_code == 200
    errors = response.context["scans"].errors[f"material-{id_card.pk}"]
    assert "“身份证.png”" in errors[0]  # its content is refused; then the scan counts as missing
    assert ServiceRequest.objects.count() == 0 and Attachment.objects.count() == 0
    assert stored_files(private_files) == 0
    page = response.content.decode()
    assert "Nothing was saved" in page or "未保存" in page
    # The page comes back with the same key (a retry stays idempotent) and the signature kept.
    assert f'value="{uuid.UUID(int=1)}"' in page
    assert 'name="signature_kept" value="data:image/png;base64,' in page


def test_a_bad_id_number_is_shown_beside_the_field_in_the_users_language(operator_client, request_item,
                                                                         application_data):
    wrong_check = valid_id_number(1)[:-1] + ("0" if valid_id_number(1)[-1] != "0" else "1")
    response = operator_client.post(url("counter-application-create", request_item.pk),
                                    application_data(applicant_id_number=wrong_check),
                                    HTTP_ACCEPT_LANGUAGE="zh-hans")

    with translation.override("zh-hans"):
        expected = translation.gettext(
            "This ID card number's last character does not match the others; please check every digit.")
    assert response.status_code == 200
    assert response.context["form"].errors["applicant_id_number"] == [expected]
    assert response.context["LANGUAGE_CODE"] == "zh-hans"
    assert ServiceRequest.objects.count() == 0


def test_a_missing_scan_and_a_missing_eform_answer_are_shown_beside_their_fields(operator_client, request_item,
                                                                                 id_card, application_data):
    response = operator_client.post(url("counter-application-create", request_item.pk), application_data(**{
        f"material-{id_card.pk}": None, "eform-purpose": "", "applicant_phone": "123", "signature": ""}))

    assert response.status_code == 200
    assert response.context["scans"].errors[f"material-{id_card.pk}"]
    assert len(response.context["eform"].errors["purpose"]) == 1  # the form's and the service's, shown once
    assert response.context["form"].errors["applicant_phone"]
    assert response.context["form"].errors["signature"]
    assert ServiceRequest.objects.count() == 0


# ---------------------------------------------------------------------------------------------
# Appeals
# ---------------------------------------------------------------------------------------------

def test_operator_files_an_appeal_which_the_service_routes(operator_client, operator, station, dispatch_desk):
    response = operator_client.post(url("counter-appeal-create"), {
        "idempotency_key": str(uuid.uuid4()), "appeal_category": "help", "subject": "村东路灯不亮",
        "description": "村东头三盏路灯一周没亮，晚上不安全。", "place": "村东大街", "applicant_name": "赵大爷",
        "applicant_id_number": valid_id_number(3), "applicant_phone": "13700001111", "consent": "witnessed",
        "material-other": upload("路灯.png", scan_png()),
    })

    appeal = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == url("counter-request-receipt", appeal.pk)
    assert (appeal.kind, appeal.item, appeal.appeal_category, appeal.subject, appeal.place) == (
        "appeal", None, "help", "村东路灯不亮", "村东大街")
    assert appeal.department == dispatch_desk and appeal.station == station and appeal.filed_by == operator
    assert appeal.consent == "witnessed" and not appeal.signature
    assert appeal.attachments.get().material is None


def test_an_appeal_without_a_kind_or_words_comes_back_with_the_errors(operator_client, dispatch_desk):
    response = operator_client.post(url("counter-appeal-create"), {
        "idempotency_key": str(uuid.uuid4()), "appeal_category": "", "description": " ",
        "applicant_name": "赵大爷", "applicant_id_number": valid_id_number(3), "applicant_phone": "13700001111",
        "consent": "signature"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["appeal_category"] and form.errors["description"] and form.errors["signature"]
    assert ServiceRequest.objects.count() == 0


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
        assert [(row["to"], row["moved"]) for row in response.context["timeline"]] == [(str(S.SUBMITTED.label), False)]
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
