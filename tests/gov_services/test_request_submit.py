"""Request services, submit of an application: validation, scans and signature (checked by their content),
who may file for whom, and idempotent resends (the fixtures `submit`, `filed` are in conftest.py)."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import Role
from gov_services.identifiers import is_valid_tracking_code
from gov_services.models import ServiceRequest
from gov_services.requests import services as services
from gov_services.requests.services import intake
from tests.factories import (
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
    staff_user,
    upload,
    valid_id_number,
)
from tests.gov_services.request_helpers import EXE, counts, events, stored_files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

S = ServiceRequest.Status


# --- submit --------------------------------------------------------------------------------------

def test_operator_files_an_application_with_a_scan_and_a_signature(filed, operator, station, request_item,
                                                                 id_card, private_files):
    filed.refresh_from_db()
    assert filed.status == S.SUBMITTED and filed.department == request_item.department
    assert filed.station == station and filed.village == station.village and filed.filed_by == operator
    assert is_valid_tracking_code(filed.tracking_code)
    assert filed.form_data == {"purpose": "子女入学"}
    [event] = events(filed)
    assert (event.action, event.from_status, event.to_status, event.actor) == ("submit", "", S.SUBMITTED, operator)
    [scan] = filed.attachments.all()
    assert (scan.material, scan.content_type, scan.original_name) == (id_card, "image/jpeg", "身份证.jpg")
    assert scan.size == len(jpeg_bytes()) and len(scan.sha256) == 64
    assert scan.file.read() == jpeg_bytes()
    assert filed.signature.read() == png_bytes()
    assert stored_files(private_files) == 2  # the scan and the signature, nowhere public


def test_stored_file_name_is_random_not_the_residents(filed):
    scan = filed.attachments.get()
    assert "身份证" not in scan.file.name and scan.file.name.endswith(".jpg")


def test_id_number_and_phone_are_stored_normalised(submit):
    filed = submit(applicant_id_number=f" {valid_id_number(2)} ", applicant_phone="+86 138-1234-5678")
    assert (filed.applicant_id_number, filed.applicant_phone) == (valid_id_number(2), "13812345678")


@pytest.mark.parametrize("name, content, content_type", [
    ("scan.jpg", jpeg_bytes(), "image/jpeg"),
    ("scan.JPEG", jpeg_bytes(), "image/jpeg"),
    ("scan.png", png_bytes(), "image/png"),
    ("scan.pdf", pdf_bytes(), "application/pdf"),
    ("scan", jpeg_bytes(), "image/jpeg"),  # a camera capture without an extension
])
def test_jpeg_png_and_pdf_scans_are_accepted_by_their_content(submit, id_card, name, content, content_type):
    filed = submit(attachments=[upload(name, content, id_card)])
    assert filed.attachments.get().content_type == content_type


def test_optional_materials_may_be_missing_and_extra_scans_may_be_added(submit, id_card, request_item):
    register = request_item.materials.get(name="户口簿")
    filed = submit(attachments=[upload("a.jpg", jpeg_bytes(), id_card), upload("b.pdf", pdf_bytes(), id_card),
                                upload("c.png", png_bytes(), register), upload("d.pdf", pdf_bytes())])
    assert filed.attachments.count() == 4


@pytest.mark.parametrize("overrides, field", [
    ({"applicant_id_number": "130225198001010011"}, "applicant_id_number"),  # checksum wrong
    ({"applicant_id_number": "1302251980"}, "applicant_id_number"),
    ({"applicant_phone": "12345"}, "applicant_phone"),
    ({"applicant_name": "  "}, "applicant_name"),
    ({"form_data": {}}, "form_data.purpose"),  # a required e-form field
    ({"form_data": {"purpose": "x", "bogus": "y"}}, "form_data.bogus"),
    ({"attachments": []}, "attachments.*"),  # the required ID-card scan at the counter (keyed by its material)
    ({"consent": "self"}, "consent"),  # filed on someone's behalf
    ({"consent": "signature", "signature": None}, "signature"),
    ({"signature": jpeg_bytes()}, "signature"),  # the pad gives PNG
    ({"signature": b"\x89PNG\r\n\x1a\n not really"}, "signature"),
    ({"channel": "carrier-pigeon"}, "channel"),
    ({"kind": "appeal"}, "item"),  # an appeal with a catalogue item
])
def test_invalid_submission_is_refused_and_leaves_nothing_saved(submit, private_files, overrides, field):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        submit(**overrides)
    keys = set(refused.value.message_dict)
    assert field in keys | {f"{key.partition('.')[0]}.*" for key in keys}
    assert counts() == before and stored_files(private_files) == 0


@pytest.mark.parametrize("name, content", [
    ("setup.jpg", EXE),                                  # an .exe renamed .jpg
    ("notes.pdf", "这不是扫描件".encode()),                 # a text file renamed .pdf
    ("scan.png", pdf_bytes()),                           # a PDF claiming to be a PNG
    ("scan.exe", jpeg_bytes()),                          # a JPEG with a strange name
    ("broken.jpg", jpeg_bytes()[:40]),                   # the JPEG magic, then nothing sound
    ("fake.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 300),  # JPEG magic bytes, not an image
    ("cut.pdf", pdf_bytes()[:60]),                       # a PDF without its end
    ("empty.jpg", b""),
])
def test_disguised_or_broken_files_are_refused_by_content(submit, id_card, private_files, name, content):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        submit(attachments=[upload(name, content, id_card)])
    assert name in " ".join(refused.value.message_dict[f"attachments.{id_card.pk}"])
    assert counts() == before and stored_files(private_files) == 0


def test_declared_content_type_that_contradicts_the_content_is_refused(submit, id_card):
    with pytest.raises(ValidationError, match=r"scan\.pdf"):
        submit(attachments=[upload("scan.pdf", pdf_bytes(), id_card, content_type="image/png")])


def test_oversized_file_is_refused_before_it_is_read_in_full(submit, id_card):
    big = jpeg_bytes() + b"\x00" * services.MAX_ATTACHMENT_BYTES
    before = counts()
    with pytest.raises(ValidationError) as refused:
        submit(attachments=[upload("big.jpg", big, id_card)])
    assert "10 MB" in refused.value.message_dict[f"attachments.{id_card.pk}"][0]
    assert counts() == before


def test_scan_filed_under_a_material_of_another_item_is_refused(submit, id_card, department):
    from tests.factories import RequiredMaterialFactory, ServiceItemFactory

    foreign = RequiredMaterialFactory(item=ServiceItemFactory(department=department))
    with pytest.raises(ValidationError) as refused:
        submit(attachments=[upload("a.jpg", jpeg_bytes(), id_card), upload("b.jpg", jpeg_bytes(), foreign)])
    assert "attachments" in refused.value.message_dict


def test_operator_may_file_only_for_their_own_station(submit, other_station):
    before = counts()
    with pytest.raises(PermissionDenied):
        submit(station=other_station)
    assert counts() == before


def test_counter_request_needs_a_station(submit):
    with pytest.raises(ValidationError) as refused:
        submit(station=None)
    assert "station" in refused.value.message_dict


def test_resident_applies_online_for_themselves_without_scans(resident, request_item, tree):
    filed = services.service_request_submit(
        actor=resident, idempotency_key=uuid.uuid4(), kind="application", item=request_item,
        applicant_name="李四", applicant_id_number=valid_id_number(3), applicant_phone="13900000000",
        applicant_user=resident, consent="self", channel="web", village=tree["villages"][1],
        form_data={"purpose": "办理社保"}, attachments=[], signature=None)
    assert (filed.filed_by, filed.applicant_user, filed.station) == (None, resident, None)
    assert events(filed)[0].actor == resident


def test_item_not_offered_online_cannot_be_applied_for_on_the_web(resident, request_item, tree):
    request_item.online_allowed = False
    request_item.save()
    with pytest.raises(ValidationError) as refused:
        services.service_request_submit(
            actor=resident, idempotency_key=uuid.uuid4(), kind="application", item=request_item,
            applicant_name="李四", applicant_id_number=valid_id_number(3), applicant_phone="13900000000",
            applicant_user=resident, consent="self", channel="web", village=tree["villages"][1],
            form_data={"purpose": "x"}, attachments=[], signature=None)
    assert "item" in refused.value.message_dict
    assert ServiceRequest.objects.count() == 0


def test_resident_cannot_file_online_for_someone_else(resident, request_item, tree):
    with pytest.raises(ValidationError) as refused:
        services.service_request_submit(
            actor=resident, idempotency_key=uuid.uuid4(), kind="application", item=request_item,
            applicant_name="李四", applicant_id_number=valid_id_number(3), applicant_phone="13900000000",
            applicant_user=None, consent="witnessed", channel="web", village=tree["villages"][1],
            form_data={"purpose": "x"}, attachments=[], signature=None)
    assert "applicant_user" in refused.value.message_dict


def test_anonymous_visitor_cannot_file():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.service_request_submit(
            actor=AnonymousUser(), idempotency_key=uuid.uuid4(), kind="appeal", appeal_category="help",
            applicant_name="x", applicant_id_number=valid_id_number(1), applicant_phone="13812345678",
            consent="witnessed", channel="web", form_data={}, attachments=[])


# --- idempotent submit ---------------------------------------------------------------------------

def test_resending_the_same_form_returns_the_first_request(submit, id_card):
    key = uuid.uuid4()
    first = submit(idempotency_key=key)
    before = counts()
    again = submit(idempotency_key=key, attachments=[upload("身份证.jpg", jpeg_bytes(), id_card)])
    assert again.pk == first.pk and again.tracking_code == first.tracking_code
    assert counts() == before == (1, 1, 1)


@pytest.mark.parametrize("overrides", [
    {"applicant_id_number": valid_id_number(9)},
    {"applicant_name": "另一个人"},
    {"form_data": {"purpose": "别的用途"}},
    {"attachments": []},
])
def test_same_key_with_different_content_is_refused(submit, overrides):
    key = uuid.uuid4()
    submit(idempotency_key=key)
    before = counts()
    with pytest.raises(ValidationError) as refused:
        submit(idempotency_key=key, **overrides)
    assert refused.value.code == "idempotency_conflict"
    assert counts() == before


def test_same_key_from_another_user_is_refused(submit, station):
    other = staff_user(Role.OPERATOR, station=station)
    key = uuid.uuid4()
    submit(idempotency_key=key)
    with pytest.raises(ValidationError) as refused:
        submit(idempotency_key=key, actor=other)
    assert refused.value.code == "idempotency_conflict"


def test_tracking_code_collision_is_retried_with_a_new_code(submit, monkeypatch):
    taken = submit().tracking_code
    codes = iter([taken, taken, "7KQ4M2XBY"])
    monkeypatch.setattr(intake, "new_tracking_code", lambda: next(codes))
    second = submit()
    assert second.tracking_code == "7KQ4M2XBY" and ServiceRequest.objects.count() == 2
