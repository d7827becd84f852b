"""Forms that never lose work: the counter's application keeps its scans, signature and typed fields in a
server-side draft (gov_services/services/drafts.py) across validation errors and reloads; scans are
replaceable and removable one by one; drafts expire; e-form fields bound to the applicant are filled by
the server; the browser's hints come from the server's own rules."""

import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from agency.services import visits as till
from core.validators import (
    ID_NUMBER_LENGTH,
    MOBILE_LENGTH,
    id_number_input_attrs,
    mobile_input_attrs,
    validate_id_number,
    validate_mobile,
)
from gov_services import eforms
from gov_services.forms_counter import ApplicationForm
from gov_services.models import ApplicationDraft, Attachment, DraftScan, ServiceRequest
from gov_services.services import drafts as draft_services
from gov_services.services.requests import service_request_submit
from gov_services.tasks.drafts import application_drafts_cleanup
from tests.factories import StaffAssignmentFactory, UserFactory, pdf_bytes, upload, valid_id_number
from tests.gov_services.test_counter_views import scan_png, signature_data_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

KEY = uuid.UUID(int=77)


def url(name, *args):
    return reverse(f"gov_services:{name}", args=args)


def files_in(root: Path, folder: str) -> int:
    base = Path(root) / folder
    return sum(1 for p in base.rglob("*") if p.is_file()) if base.exists() else 0


def bad_id() -> str:
    good = valid_id_number(1)
    return good[:-1] + ("0" if good[-1] != "0" else "1")


@pytest.fixture
def id_card(request_item):
    return request_item.materials.get(name="身份证")


@pytest.fixture
def household_book(request_item):
    return request_item.materials.get(name="户口簿")


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


def committed(call, *args, **kwargs):
    """`call` with the on-commit callbacks it registers run (files are deleted after the transaction)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return call(*args, **kwargs)


def post(client, item, data, **extra):
    return committed(client.post, url("counter-application-create", item.pk), data, **extra)


@pytest.fixture
def form_data(id_card, household_book):
    def _data(*, scans=True, **overrides):
        data = {
            "idempotency_key": str(KEY), "applicant_name": "王秀英", "applicant_id_number": valid_id_number(1),
            "applicant_phone": "13812345678", "consent": "signature", "signature": signature_data_url(),
            "eform-purpose": "子女入学",
        }
        if scans:
            data[f"material-{id_card.pk}"] = [upload("身份证-正面.png", scan_png()),
                                              upload("身份证-反面.png", scan_png(colour=(200, 200, 200)))]
            data[f"material-{household_book.pk}"] = [upload("户口簿-1.png", scan_png((50, 50))),
                                                     upload("户口簿-2.pdf", pdf_bytes())]
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    return _data




# ---------------------------------------------------------------------------------------------
# A validation error never clears the scans or the signature
# ---------------------------------------------------------------------------------------------

def test_a_typo_keeps_the_four_scans_and_the_signature_and_the_fix_files_them_without_reattaching(
        operator_client, operator, request_item, form_data, private_files):
    response = post(operator_client, request_item, form_data(applicant_id_number=bad_id()))

    assert response.status_code == 200 and ServiceRequest.objects.count() == 0
    assert response.context["form"].errors["applicant_id_number"]
    draft = ApplicationDraft.objects.get(key=KEY)
    assert (draft.operator, draft.item, draft.filed_request) == (operator, request_item, None)
    assert sorted(draft.scans.values_list("original_name", flat=True)) == [
        "户口簿-1.png", "户口簿-2.pdf", "身份证-反面.png", "身份证-正面.png"]
    assert bytes(draft.signature).startswith(b"\x89PNG")
    assert files_in(private_files, "drafts") == 4
    page = response.content.decode()
    assert page.count('src="data:image/jpeg;base64,') == 3  # the three images' thumbnails, inline
    assert DraftScan.objects.get(original_name="户口簿-2.pdf").thumbnail is None
    for scan in draft.scans.all():  # a thumbnail (or the PDF's tile) opening the scan, with replace and remove
        assert url("counter-draft-scan", scan.pk) in page
        assert f'name="draft-replace-{scan.pk}"' in page and f'name="draft_remove" value="{scan.pk}"' in page
    assert 'name="signature_kept" value="data:image/png;base64,' in page
    assert "select them again" not in page  # the old warning that files are lost

    # The fix: no file chosen again, no signature drawn again.
    fixed = form_data(scans=False, signature="", signature_kept=signature_data_url())
    response = post(operator_client, request_item, fixed)

    filed = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == url("counter-request-receipt", filed.pk)
    assert filed.attachments.count() == 4 and filed.signature.read().startswith(b"\x89PNG")
    draft.refresh_from_db()
    assert draft.filed_request == filed and draft.signature is None and draft.fields == {}
    assert DraftScan.objects.count() == 0 and files_in(private_files, "drafts") == 0  # now the request's files


def test_the_signature_alone_is_kept_in_the_draft_when_the_page_comes_back(operator_client, request_item, form_data):
    post(operator_client, request_item, form_data(scans=False, applicant_phone="123"))
    draft = ApplicationDraft.objects.get(key=KEY)
    response = post(operator_client, request_item, form_data(scans=False, signature=""))
    # No new drawing and no kept one posted: the draft's signature is used, and the missing scan is the only error.
    assert bytes(draft.signature).startswith(b"\x89PNG")
    assert "signature" not in response.context["form"].errors
    assert response.context["scans"].errors


def test_a_retry_of_a_filed_form_returns_the_first_request(operator_client, request_item, form_data):
    first = post(operator_client, request_item, form_data())
    again = post(operator_client, request_item, form_data())
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert ServiceRequest.objects.count() == 1 and Attachment.objects.count() == 4


# ---------------------------------------------------------------------------------------------
# One scan at a time: replace, remove
# ---------------------------------------------------------------------------------------------

def test_one_kept_scan_is_replaced_and_the_others_stay(operator_client, request_item, form_data, private_files):
    post(operator_client, request_item, form_data(applicant_id_number=bad_id()))
    old = DraftScan.objects.get(original_name="身份证-反面.png")
    data = form_data(scans=False, applicant_id_number=bad_id(),
                     **{f"draft-replace-{old.pk}": upload("身份证-反面-重扫.png", scan_png(colour=(90, 90, 90)))})
    post(operator_client, request_item, data)

    names = sorted(DraftScan.objects.values_list("original_name", flat=True))
    assert names == ["户口簿-1.png", "户口簿-2.pdf", "身份证-反面-重扫.png", "身份证-正面.png"]
    assert DraftScan.objects.get(original_name="身份证-反面-重扫.png").material_id == old.material_id
    assert files_in(private_files, "drafts") == 4  # the old file is gone from storage


def test_a_bad_replacement_is_refused_beside_its_material_and_the_old_scan_kept(operator_client, request_item,
                                                                                id_card, form_data):
    post(operator_client, request_item, form_data(applicant_id_number=bad_id()))
    old = DraftScan.objects.get(original_name="身份证-正面.png")
    response = post(operator_client, request_item, form_data(
        scans=False, **{f"draft-replace-{old.pk}": upload("x.png", b"MZ not an image" * 10)}))

    assert response.status_code == 200 and ServiceRequest.objects.count() == 0
    assert "“x.png”" in response.context["scans"].errors[f"material-{id_card.pk}"][0]
    assert DraftScan.objects.filter(pk=old.pk).exists() and DraftScan.objects.count() == 4


def test_removing_one_scan_files_nothing_and_shows_the_form_without_errors(operator_client, request_item,
                                                                           form_data, private_files):
    post(operator_client, request_item, form_data(applicant_id_number=bad_id()))
    gone = DraftScan.objects.get(original_name="户口簿-2.pdf")
    response = post(operator_client, request_item, form_data(scans=False, draft_remove=str(gone.pk)))

    assert response.status_code == 200 and ServiceRequest.objects.count() == 0
    assert not response.context["has_errors"]
    assert not DraftScan.objects.filter(pk=gone.pk).exists() and DraftScan.objects.count() == 3
    assert files_in(private_files, "drafts") == 3
    assert response.context["form"]["applicant_name"].value() == "王秀英"


def test_a_refused_file_is_not_kept_while_the_good_ones_are(operator_client, request_item, id_card, form_data):
    data = form_data()
    data[f"material-{id_card.pk}"] = [upload("好.png", scan_png()), upload("坏.png", b"<script>x</script>" * 30)]
    response = post(operator_client, request_item, data)
    assert response.status_code == 200 and ServiceRequest.objects.count() == 0
    assert "“坏.png”" in response.context["scans"].errors[f"material-{id_card.pk}"][0]
    assert set(DraftScan.objects.values_list("original_name", flat=True)) == {"好.png", "户口簿-1.png", "户口簿-2.pdf"}


# ---------------------------------------------------------------------------------------------
# Reload: the draft comes back; discard
# ---------------------------------------------------------------------------------------------

def test_opening_the_form_again_restores_the_draft_with_a_note_and_discard_throws_it_away(
        operator_client, request_item, form_data, private_files):
    post(operator_client, request_item, form_data(applicant_id_number=bad_id()))
    draft = ApplicationDraft.objects.get(key=KEY)

    response = operator_client.get(url("counter-application-create", request_item.pk), HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = response.content.decode()
    assert response.context["draft_restored"] is True
    assert str(response.context["form"]["idempotency_key"].value()) == str(KEY)
    assert response.context["form"]["applicant_name"].value() == "王秀英"
    assert response.context["eform"]["purpose"].value() == "子女入学"
    assert "草稿已恢复" in page and url("counter-draft-discard", draft.pk) in page
    assert page.count(url("counter-draft-scan", draft.scans.first().pk)) >= 1
    assert 'name="signature_kept"' in page

    response = committed(operator_client.post, url("counter-draft-discard", draft.pk))
    assert response.status_code == 302 and response["Location"] == url("counter-application-create", request_item.pk)
    assert not ApplicationDraft.objects.exists() and files_in(private_files, "drafts") == 0
    response = operator_client.get(url("counter-application-create", request_item.pk))
    assert response.context["draft"] is None and str(response.context["form"]["idempotency_key"].value()) != str(KEY)


def test_a_filed_draft_is_not_restored_and_its_key_is_named_for_the_browser_copy(operator_client, request_item,
                                                                                  form_data):
    post(operator_client, request_item, form_data())
    response = operator_client.get(url("counter-application-create", request_item.pk))
    assert response.context["draft"] is None
    assert str(KEY) in response.context["filed_keys"]
    assert f'data-draft-filed-keys="{KEY}"' in response.content.decode()


def test_a_draft_made_in_a_visit_is_restored_in_that_visit_only(operator_client, operator, station, request_item,
                                                                form_data):
    visit = till.visit_open(actor=operator, station=station, idempotency_key=uuid.uuid4(), resident_name="王秀英")
    post(operator_client, request_item, {**form_data(applicant_id_number=bad_id()), "visit": visit.pk})
    assert ApplicationDraft.objects.get(key=KEY).visit == visit

    assert operator_client.get(url("counter-application-create", request_item.pk),
                               {"visit": visit.pk}).context["draft"].key == KEY
    assert operator_client.get(url("counter-application-create", request_item.pk)).context["draft"] is None


def test_another_operators_draft_is_neither_restored_nor_writable_and_another_station_gets_404(
        client, operator, station, other_station, request_item, form_data):
    client.force_login(operator)
    post(client, request_item, form_data(applicant_id_number=bad_id()))
    draft = ApplicationDraft.objects.get(key=KEY)
    scan = draft.scans.first()

    colleague = UserFactory(roles=[Role.OPERATOR])
    StaffAssignmentFactory(user=colleague, role="operator", station=station)
    client.force_login(colleague)
    assert client.get(url("counter-application-create", request_item.pk)).context["draft"] is None
    response = post(client, request_item, form_data(scans=False))  # the same key, from someone else
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert ServiceRequest.objects.count() == 0
    assert client.get(url("counter-draft-scan", scan.pk)).status_code == 200  # the station's staff see it

    stranger = UserFactory(roles=[Role.OPERATOR])
    StaffAssignmentFactory(user=stranger, role="operator", station=other_station)
    client.force_login(stranger)
    assert client.get(url("counter-draft-scan", scan.pk)).status_code == 404
    assert client.post(url("counter-draft-discard", draft.pk)).status_code == 404
    assert ApplicationDraft.objects.filter(pk=draft.pk).exists()


def test_a_kept_image_is_shown_inline_and_a_pdf_offered_as_a_download(operator_client, request_item, form_data):
    post(operator_client, request_item, form_data(applicant_id_number=bad_id()))
    image = operator_client.get(url("counter-draft-scan", DraftScan.objects.get(original_name="户口簿-1.png").pk))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert not image["Content-Disposition"].startswith("attachment")
    pdf = operator_client.get(url("counter-draft-scan", DraftScan.objects.get(original_name="户口簿-2.pdf").pk))
    assert pdf["Content-Disposition"].startswith("attachment")


# ---------------------------------------------------------------------------------------------
# Expiry
# ---------------------------------------------------------------------------------------------

def test_drafts_expire_with_their_files_and_fresh_ones_stay(operator, station, request_item, id_card, private_files):
    old = draft_services.application_draft_open(actor=operator, station=station, item=request_item, key=uuid.uuid4())
    draft_services.application_draft_save(draft=old, actor=operator,
                                          uploads=[upload("a.png", scan_png(), material=id_card)])
    fresh = draft_services.application_draft_open(actor=operator, station=station, item=request_item,
                                                  key=uuid.uuid4())
    draft_services.application_draft_save(draft=fresh, actor=operator,
                                          uploads=[upload("b.png", scan_png(), material=id_card)])
    ApplicationDraft.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert files_in(private_files, "drafts") == 2

    assert committed(application_drafts_cleanup) == 1
    assert list(ApplicationDraft.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert files_in(private_files, "drafts") == 1
    assert committed(draft_services.application_drafts_expire,
                     now=timezone.now() + draft_services.DRAFT_LIFETIME + timedelta(seconds=1)) == 1
    assert files_in(private_files, "drafts") == 0


def test_using_a_draft_pushes_its_expiry_back(operator, station, request_item):
    key = uuid.uuid4()
    draft = draft_services.application_draft_open(actor=operator, station=station, item=request_item, key=key)
    ApplicationDraft.objects.filter(pk=draft.pk).update(expires_at=timezone.now() + timedelta(minutes=5))
    again = draft_services.application_draft_open(actor=operator, station=station, item=request_item, key=key)
    assert again.pk == draft.pk and again.expires_at > timezone.now() + timedelta(days=2)


def test_a_draft_key_is_refused_for_another_item_or_operator(operator, station, request_item, department):
    from tests.factories import ServiceItemFactory

    key = uuid.uuid4()
    draft_services.application_draft_open(actor=operator, station=station, item=request_item, key=key)
    with pytest.raises(PermissionDenied):
        draft_services.application_draft_open(actor=operator, station=station,
                                              item=ServiceItemFactory(department=department), key=key)


# ---------------------------------------------------------------------------------------------
# Fields filled once are not asked twice
# ---------------------------------------------------------------------------------------------

BOUND_SCHEMA = [
    {"name": "purpose", "type": "text", "label": "用途", "required": True},
    {"name": "sfzh", "type": "id_number", "label": "申请人身份证号", "required": True, "bind": "applicant_id_number"},
    {"name": "lxdh", "type": "phone", "label": "联系电话", "required": True, "bind": "applicant_phone"},
    {"name": "xm", "type": "text", "label": "姓名", "bind": "applicant_name"},
]


def test_a_binding_is_declared_in_the_schema_and_checked():
    eforms.validate_schema(BOUND_SCHEMA)
    with pytest.raises(ValidationError) as bad:
        eforms.validate_schema([{"name": "a", "type": "text", "label": "甲", "bind": "applicant_address"},
                                {"name": "b", "type": "integer", "label": "乙", "bind": "applicant_phone"}])
    text = " ".join(bad.value.messages)
    assert "“bind”" in text and "applicant_phone" in text


def test_the_server_fills_bound_fields_from_the_applicant_whatever_was_sent(operator, station, request_item, id_card):
    request_item.form_schema = BOUND_SCHEMA
    request_item.save()
    filed = service_request_submit(
        actor=operator, idempotency_key=uuid.uuid4(), kind="application", item=request_item,
        applicant_name="王秀英", applicant_id_number=valid_id_number(3).lower(), applicant_phone="138 1234 5678",
        consent="witnessed", channel="counter", station=station,
        form_data={"purpose": "入学", "lxdh": "13900000000"},  # the ID number not sent; a wrong phone ignored
        attachments=[upload("a.png", scan_png(), material=id_card)])
    assert filed.form_data == {"purpose": "入学", "sfzh": valid_id_number(3), "lxdh": "13812345678", "xm": "王秀英"}


def test_a_bad_applicant_id_number_is_reported_once_not_again_in_the_bound_field(operator_client, request_item,
                                                                                  form_data):
    request_item.form_schema = BOUND_SCHEMA
    request_item.save()
    response = post(operator_client, request_item, form_data(applicant_id_number=bad_id()))
    assert response.context["form"].errors["applicant_id_number"]
    assert "sfzh" not in response.context["eform"].errors


def test_bound_fields_are_rendered_read_only_and_mirror_the_applicant(operator_client, request_item):
    request_item.form_schema = BOUND_SCHEMA
    request_item.save()
    page = operator_client.get(url("counter-application-create", request_item.pk)).content.decode()
    field = re.search(r'<input[^>]*name="eform-sfzh"[^>]*>', page).group(0)
    assert 'data-bind="applicant_id_number"' in field and "readonly" in field
    assert 'data-bind="applicant_phone"' in re.search(r'<input[^>]*name="eform-lxdh"[^>]*>', page).group(0)
    assert "application-drafts.js" in page


# ---------------------------------------------------------------------------------------------
# The browser's hints are the server's rules
# ---------------------------------------------------------------------------------------------

def _attrs(html: str, name: str) -> dict:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    return dict(re.findall(r'([a-z-]+)="([^"]*)"', tag)) | {k: True for k in re.findall(r"\s(required|readonly)[\s>]",
                                                                                          tag)}


ID_SAMPLES = [valid_id_number(n) for n in range(1, 6)] + [
    valid_id_number(2)[:-1], valid_id_number(2) + "1", "1101011990030712Y3"[:18], "11010119900307123A",
    "abcdefghijklmnopqr"]
PHONE_SAMPLES = ["13812345678", "19912345678", "12812345678", "1381234567", "138123456789", "23812345678",
                 "1381234567a"]


def _server_accepts(validator, value) -> bool:
    try:
        validator(value)
    except ValidationError:
        return False
    return True


def _browser_accepts(attrs, value) -> bool:
    return len(value) <= int(attrs["maxlength"]) and re.fullmatch(attrs["pattern"], value) is not None


@pytest.mark.parametrize("where", ["counter", "eform"])
def test_rendered_id_and_phone_hints_agree_with_the_server_validators(operator_client, request_item, where):
    request_item.form_schema = [{"name": "sfzh", "type": "id_number", "label": "身份证号"},
                                {"name": "lxdh", "type": "phone", "label": "电话"}]
    request_item.save()
    page = operator_client.get(url("counter-application-create", request_item.pk)).content.decode()
    id_attrs = _attrs(page, "applicant_id_number" if where == "counter" else "eform-sfzh")
    phone_attrs = _attrs(page, "applicant_phone" if where == "counter" else "eform-lxdh")

    assert int(id_attrs["maxlength"]) == ID_NUMBER_LENGTH and int(phone_attrs["maxlength"]) == MOBILE_LENGTH
    assert phone_attrs["inputmode"] == "numeric" and id_attrs["inputmode"] == "text"  # an ID may end in X
    for value in ID_SAMPLES:
        if _server_accepts(validate_id_number, value):  # all the server takes, the browser takes
            assert _browser_accepts(id_attrs, value) and _browser_accepts(id_attrs, value.lower()), value
    for value in ID_SAMPLES:
        if not _browser_accepts(id_attrs, value):  # what the browser marks, the server refuses
            assert not _server_accepts(validate_id_number, value), value
    for value in PHONE_SAMPLES:
        assert _browser_accepts(phone_attrs, value) == _server_accepts(validate_mobile, value), value
    if where == "counter":
        assert id_attrs.get("required") and phone_attrs.get("required")


def test_hints_are_made_from_the_validators_rules_in_one_place():
    assert id_number_input_attrs()["maxlength"] == str(ID_NUMBER_LENGTH)
    assert mobile_input_attrs()["maxlength"] == str(MOBILE_LENGTH)
    form = ApplicationForm()
    assert form.fields["applicant_id_number"].widget_attrs(form.fields["applicant_id_number"].widget)[
        "pattern"] == id_number_input_attrs()["pattern"]


def test_eform_fields_carry_required_inputmode_and_length_hints():
    form = eforms.build_form([
        {"name": "n", "type": "integer", "label": "人数", "required": True},
        {"name": "d", "type": "decimal", "label": "收入"},
        {"name": "t", "type": "text", "label": "村组", "max_length": 20, "pattern": "[0-9]{1,3}组",
         "pattern_message": "如 3组"},
    ])
    html = str(form)
    assert re.search(r'<input[^>]*name="eform-n"[^>]*inputmode="numeric"[^>]*required', html)
    assert 'inputmode="decimal"' in html
    text = re.search(r'<input[^>]*name="eform-t"[^>]*>', html).group(0)
    assert 'maxlength="20"' in text and 'pattern="[0-9]{1,3}组"' in text
