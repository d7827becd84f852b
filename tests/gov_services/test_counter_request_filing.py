"""Filing at the counter (/counter/requests/new/ …): finding the item, the application form (scans,
signature, e-form, idempotent resends, errors beside their fields) and appeals; one HTTP test per flow,
asserting the response and the database."""

import uuid

import pytest
from django.utils import translation

from gov_services.models import Attachment, RequestEvent, ServiceRequest
from tests.factories import (
    ServiceItemFactory,
    pdf_bytes,
    upload,
    valid_id_number,
)
from tests.gov_services.counter_helpers import scan_png, url
from tests.gov_services.request_helpers import stored_files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

S = ServiceRequest.Status


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
