# ruff: noqa: F811  (pytest fixtures imported from certificate_helpers are redefined as arguments)
"""Issuing, rendering, revoking, delivering and re-using certificates (gov_services/services/certificates)."""

import datetime
import io
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import AuditEvent
from gov_services import certificate_tokens as tokens
from gov_services.models import (
    Certificate,
    CertificateType,
    CountySigningCertificate,
    RequestEvent,
    ServiceRequest,
    SigningKey,
)
from gov_services.selectors import certificates as selectors
from gov_services.services import certificates as services
from gov_services.services import requests as request_services
from tests.core.tsa import _tsa_keys, local_tsa  # noqa: F401  fixtures
from tests.factories import (
    ServiceRequestFactory,
    UserFactory,
    jpeg_bytes,
    valid_id_number,
)
from tests.gov_services.certificate_helpers import (  # noqa: F401  fixtures
    HOLDER_NAME,
    approved,
    approved_request,
    cert_item,
    holder,
    issued,
    pdf_text,
    seal,
    seal_png,
    squash,
    station_operator,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


# --- Layouts and set-up -------------------------------------------------------------------------

def test_a_layout_with_unknown_placeholders_or_scripts_is_refused_and_nothing_is_saved(cert_item):
    ctype = CertificateType.objects.get(item=cert_item)
    with pytest.raises(ValidationError) as error:
        services.certificate_type_save(item=cert_item, actor=None, code="HJZM", title="改", css="",
                                       body_html="{{ nope }}<script>x()</script>{{ seal }}")
    problems = " ".join(error.value.message_dict["body_html"])
    assert "nope" in problems and "script" in problems and "qr" in problems
    ctype.refresh_from_db()
    assert ctype.title == "户籍证明"


def test_only_items_that_end_in_a_certificate_get_a_layout(department):
    from tests.factories import ServiceItemFactory

    item = ServiceItemFactory(department=department, issues_certificate=False)
    with pytest.raises(ValidationError):
        services.certificate_type_save(item=item, actor=None, code="X", title="X", body_html="{{ seal }}{{ qr }}")


def test_a_seal_must_be_a_real_image(department):
    with pytest.raises(ValidationError):
        services.department_seal_upload(department=department, content=b"not an image", actor=None)
    with pytest.raises(ValidationError):
        services.department_seal_upload(department=department, content=seal_png(size=40), actor=None)
    seal = services.department_seal_upload(department=department, content=jpeg_bytes((300, 300)), actor=None)
    assert seal.image.name.endswith(".jpg")


def test_an_officer_cannot_upload_a_seal_or_rotate_keys(department, officer):
    with pytest.raises(PermissionDenied):
        services.department_seal_upload(department=department, content=seal_png(), actor=officer)
    with pytest.raises(PermissionDenied):
        services.signing_key_rotate(department=department, actor=officer)


def test_a_county_admin_of_another_county_cannot_set_up_this_department(department):
    from accounts.roles import Role
    from tests.factories import StaffAssignmentFactory, county_tree

    stranger = UserFactory(roles=[Role.COUNTY_ADMIN])
    StaffAssignmentFactory(user=stranger, role="county_admin", region=county_tree()["county"])
    with pytest.raises(PermissionDenied):
        services.department_seal_upload(department=department, content=seal_png(), actor=stranger)


# --- Issue ---------------------------------------------------------------------------------------

def test_issuing_numbers_signs_records_and_renders_the_certificate(issued, approved, officer, department, tree):
    year = timezone.localdate().year
    assert issued.serial == f"{tree['county'].code}-{year}-000001"
    assert (issued.county, issued.year, issued.number) == (tree["county"], year, 1)
    assert issued.holder_user == approved.applicant_user and issued.issued_by == officer
    assert issued.expires_on == issued.issued_on + datetime.timedelta(days=180)
    assert issued.pdf_status == Certificate.PdfStatus.READY and issued.pdf_sha256
    check = selectors.certificate_verify(token=issued.token)
    assert check.state == "valid" and check.holder_masked == "王*英"
    assert RequestEvent.objects.filter(request=approved, note__contains=issued.serial, internal=False).exists()
    assert AuditEvent.objects.filter(action="certificate.issue", target_id=str(issued.pk), actor=officer).exists()


def test_the_pdf_text_is_exactly_what_was_put_in(issued, approved, department):
    with issued.pdf.open("rb") as handle:
        text = squash(pdf_text(handle.read()))
    values = issued.fields
    expected = (f"户籍证明编号{issued.serial}兹证明{HOLDER_NAME}户籍在{values['village']}。用途：就业"
                f"{department.name}{values['issue_date']}")
    assert text == squash(expected)
    assert values["form.purpose"] == "就业" and values["issue_date"].endswith("日")


def test_the_county_signs_the_pdf_when_it_has_a_signing_certificate(approved, officer, seal, tree,
                                                                     django_capture_on_commit_callbacks):
    from pyhanko.pdf_utils.reader import PdfFileReader

    services.county_signer_create_demo(county=tree["county"], actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.certificate_issue(request=approved, actor=officer)
    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as handle:
        [signature] = PdfFileReader(io.BytesIO(handle.read())).embedded_signatures
    assert certificate.pdf_signed and signature.field_name == "CunzhanSignature"


def test_with_a_tsa_the_certificate_pdf_carries_a_timestamp(approved, officer, seal, tree, local_tsa,
                                                             django_capture_on_commit_callbacks):
    from pyhanko.pdf_utils.reader import PdfFileReader

    services.county_signer_create_demo(county=tree["county"], actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.certificate_issue(request=approved, actor=officer)
    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as handle:
        [signature] = PdfFileReader(io.BytesIO(handle.read())).embedded_signatures
    unsigned = [attr["type"].native for attr in signature.signer_info["unsigned_attrs"]]
    assert certificate.pdf_signed and unsigned == ["signature_time_stamp_token"]
    assert local_tsa.requests  # pyHanko also asks once before signing, to embed the TSA's chain


def test_a_tsa_that_is_down_leaves_the_pdf_failed_for_the_department_to_retry(
        approved, officer, seal, tree, local_tsa, django_capture_on_commit_callbacks):
    services.county_signer_create_demo(county=tree["county"], actor=None)
    local_tsa.failing = True
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.certificate_issue(request=approved, actor=officer)
    certificate.refresh_from_db()
    assert certificate.pdf_status == Certificate.PdfStatus.FAILED and not certificate.pdf
    local_tsa.failing = False
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_render_retry(certificate=certificate, actor=officer)
    certificate.refresh_from_db()
    assert certificate.pdf_status == Certificate.PdfStatus.READY and certificate.pdf_signed


def test_the_pdf_is_rendered_only_after_commit(approved, officer, seal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        certificate = services.certificate_issue(request=approved, actor=officer)
        assert certificate.pdf_status == Certificate.PdfStatus.PENDING
    assert callbacks
    certificate.refresh_from_db()
    assert certificate.pdf_status == Certificate.PdfStatus.PENDING and not certificate.pdf
    for callback in callbacks:
        callback()
    certificate.refresh_from_db()
    assert certificate.pdf_status == Certificate.PdfStatus.READY


def test_a_certificate_issued_while_the_broker_is_down_is_issued_and_its_pdf_handed_over_later(
        approved, officer, seal, monkeypatch, django_capture_on_commit_callbacks):
    from django.conf import settings

    from gov_services.tasks.certificates import certificate_render_pdf

    def broker_down(*args, **kwargs):
        raise ConnectionError("redis refused")

    with monkeypatch.context() as patch:
        patch.setattr(certificate_render_pdf, "apply_async", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            certificate = services.certificate_issue(request=approved, actor=officer)  # no error reaches the officer
    certificate.refresh_from_db()
    assert certificate.pdf_status == Certificate.PdfStatus.PENDING and not certificate.pdf
    assert services.certificate_pdfs_redispatch() == 0  # handed over again only once it is old
    Certificate.objects.filter(pk=certificate.pk).update(issued_at=timezone.now() - datetime.timedelta(hours=1))
    assert services.certificate_pdfs_redispatch() == 1  # the broker is back (tasks run at once in tests)
    certificate.refresh_from_db()
    assert certificate.pdf_status == Certificate.PdfStatus.READY and certificate.pdf
    assert services.certificate_pdfs_redispatch() == 0
    assert "certificate-pdfs-redispatch-stale" in settings.CELERY_BEAT_SCHEDULE


def test_a_second_click_returns_the_same_certificate(issued, approved, officer):
    assert services.certificate_issue(request=approved, actor=officer) == issued
    assert Certificate.objects.count() == 1


def test_serial_numbers_count_up_per_county_and_year(cert_item, station, officer, seal, tree,
                                                     django_capture_on_commit_callbacks):
    serials = []
    for n in range(3):
        request = approved_request(cert_item, station, officer, applicant_id_number=valid_id_number(n + 10))
        serials.append(services.certificate_issue(request=request, actor=officer).serial)
    assert [s.rsplit("-", 1)[1] for s in serials] == ["000001", "000002", "000003"]
    number, serial = services.next_serial(county=tree["county"], year=1999)
    assert (number, serial) == (1, f"{tree['county'].code}-1999-000001")


@pytest.mark.parametrize("status", ["submitted", "accepted", "under_review", "refused"])
def test_no_certificate_before_approval(cert_item, station, officer, seal, status):
    request = ServiceRequestFactory(item=cert_item, station=station, status=status)
    with pytest.raises(ValidationError) as error:
        services.certificate_issue(request=request, actor=officer)
    assert error.value.code == "not_approved" and not Certificate.objects.exists()


def test_no_certificate_without_the_departments_seal(approved, officer):
    with pytest.raises(ValidationError) as error:
        services.certificate_issue(request=approved, actor=officer)
    assert error.value.code == "no_seal"


def test_only_an_officer_of_the_department_issues(approved, seal, county_admin, station_operator):
    for actor in (county_admin, station_operator, approved.applicant_user):
        with pytest.raises(PermissionDenied):
            services.certificate_issue(request=approved, actor=actor)


def test_automatic_issuance_on_approval_where_the_item_says_so(cert_item, station, officer, seal):
    CertificateType.objects.filter(item=cert_item).update(auto_issue=True)
    request = approved_request(cert_item, station, officer)  # the approval issues it
    certificate = request.certificates.get()
    assert certificate.status == Certificate.Status.VALID and certificate.issued_by is None
    assert services.certificate_issue_on_approval(request=request) is None  # already issued
    assert request.certificates.count() == 1


def test_automatic_issuance_without_a_seal_leaves_a_note_and_does_not_fail(cert_item, station, officer):
    CertificateType.objects.filter(item=cert_item).update(auto_issue=True)
    request = approved_request(cert_item, station, officer)  # the approval tried, and left a note
    assert request.status == ServiceRequest.Status.APPROVED and not request.certificates.exists()
    note = request.events.get(internal=True, action="note")
    assert "seal" in note.note or "印章" in note.note


def test_items_without_automatic_issuance_are_left_to_the_officer(approved, seal):
    assert services.certificate_issue_on_approval(request=approved) is None


# --- Keys ----------------------------------------------------------------------------------------

def test_keys_are_stored_encrypted_and_rotation_keeps_old_certificates_valid(issued, department, county_admin):
    old = issued.signing_key
    assert "ENCRYPTED PRIVATE KEY" in old.private_key_pem
    new = services.signing_key_rotate(department=department, actor=county_admin)
    old.refresh_from_db()
    assert old.retired_at is not None and new.retired_at is None and new.key_id != old.key_id
    assert selectors.certificate_verify(token=issued.token).state == "valid"
    assert {k["key_id"] for k in selectors.public_keys()} == {old.key_id, new.key_id}


def test_a_token_signed_by_a_leaked_key_for_a_serial_never_issued_is_forged(issued):
    private = services.setup.private_key_of(issued.signing_key)
    claims, _signed, _signature = tokens.parse_token(issued.token)
    fake = tokens.sign_token(tokens.Claims(**{**claims.__dict__, "serial": "130225-2026-999999"}), private)
    assert selectors.certificate_verify(token=fake).state == "forged"


@pytest.mark.parametrize("mutate", [
    lambda t: t[:-3] + ("AAA" if t[-3:] != "AAA" else "BBB"),
    lambda t: t.replace(".HJZM.", ".HJZN."),
    lambda t: "nonsense",
    lambda t: "",
])
def test_tampered_tokens_verify_as_forged_with_a_reason(issued, mutate):
    result = selectors.certificate_verify(token=mutate(issued.token))
    assert result.state == "forged" and result.reason and not result.serial


def test_an_expired_certificate_says_so(issued):
    result = selectors.certificate_verify(token=issued.token, today=issued.expires_on + datetime.timedelta(days=1))
    assert result.state == "expired" and result.serial == issued.serial


# --- Revocation ----------------------------------------------------------------------------------

def test_revocation_shows_at_once_with_its_reason_and_is_audited(issued, officer):
    services.certificate_revoke(certificate=issued, actor=officer, reason="信息有误，重新开具")
    result = selectors.certificate_verify(token=issued.token)
    assert result.state == "revoked" and result.revocation_reason == "信息有误，重新开具"
    assert AuditEvent.objects.filter(action="certificate.revoke", actor=officer).exists()
    with pytest.raises(ValidationError):
        services.certificate_revoke(certificate=issued, actor=officer, reason="again")


def test_revocation_needs_a_reason_and_the_issuing_department(issued, officer, county_admin):
    with pytest.raises(ValidationError):
        services.certificate_revoke(certificate=issued, actor=officer, reason="  ")
    with pytest.raises(PermissionDenied):
        services.certificate_revoke(certificate=issued, actor=county_admin, reason="x")
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.VALID


def test_after_revocation_a_new_certificate_can_be_issued_for_the_request(issued, approved, officer):
    services.certificate_revoke(certificate=issued, actor=officer, reason="重开")
    again = services.certificate_issue(request=approved, actor=officer)
    assert again.pk != issued.pk and again.number == issued.number + 1


def test_the_revocation_list_is_signed_per_department(issued, officer):
    services.certificate_revoke(certificate=issued, actor=officer, reason="错误")
    document = services.revocation_list_build()
    [section] = document["sections"]
    signature = tokens.b64url_decode(section.pop("signature"))
    assert section["revoked"] == [{"serial": issued.serial, "revoked_on": timezone.localdate().isoformat()}]
    public = tokens.b64url_decode(SigningKey.objects.get(key_id=section["key_id"]).public_key)
    assert tokens.verify_bytes(public, tokens.canonical_json(section), signature)
    section["revoked"] = []
    assert not tokens.verify_bytes(public, tokens.canonical_json(section), signature)


# --- Delivery ------------------------------------------------------------------------------------

def test_mailing_records_the_tracking_number_and_texts_the_resident(issued, officer):
    from core.models import SmsOutboxMessage

    services.certificate_mail(certificate=issued, actor=officer, address="乐亭县胡家坨镇大黑坨村5号",
                              tracking_number="SF1234567890")
    issued.refresh_from_db()
    assert issued.delivery == "mail" and issued.mailed_at and issued.mail_tracking_number == "SF1234567890"
    message = SmsOutboxMessage.objects.get(purpose="certificate_mailed")
    assert "SF1234567890" in message.text and message.phone == issued.request.applicant_phone
    assert message.params == {"certificate": issued.certificate_type.title, "serial": issued.serial,
                              "tracking": "SF1234567890"}


def test_a_print_to_the_holder_checks_their_name_and_id_against_the_certificate(issued, station_operator):
    right = issued.request.applicant_id_number
    with pytest.raises(ValidationError) as error:
        services.certificate_print_record(certificate=issued, actor=station_operator, idempotency_key=uuid.uuid4(),
                                          collector_name=HOLDER_NAME, collector_id_number=valid_id_number(999),
                                          collector_is_holder=True, id_checked=True)
    assert "collector_id_number" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.certificate_print_record(certificate=issued, actor=station_operator, idempotency_key=uuid.uuid4(),
                                          collector_name=HOLDER_NAME, collector_id_number=right,
                                          collector_is_holder=True, id_checked=False)
    assert "id_checked" in error.value.message_dict
    entry = services.certificate_print_record(certificate=issued, actor=station_operator,
                                              idempotency_key=uuid.uuid4(), collector_name=HOLDER_NAME,
                                              collector_id_number=right, collector_is_holder=True, id_checked=True)
    assert entry.station == issued.request.station and not entry.is_reprint
    assert entry.collector_id_masked == f"{right[:6]}********{right[-4:]}"


def test_reprints_are_logged_and_a_double_submit_logs_once(issued, officer, station_operator):
    key = uuid.uuid4()
    kwargs = {"certificate": issued, "collector_name": "李四", "collector_id_number": valid_id_number(500),
              "collector_is_holder": False, "id_checked": True}
    first = services.certificate_print_record(actor=station_operator, idempotency_key=key, **kwargs)
    assert services.certificate_print_record(actor=station_operator, idempotency_key=key, **kwargs) == first
    second = services.certificate_print_record(actor=officer, idempotency_key=uuid.uuid4(), **kwargs)
    assert second.is_reprint and second.station is None and issued.prints.count() == 2
    assert AuditEvent.objects.filter(action="certificate.reprint", actor=officer).exists()


def test_staff_of_another_station_cannot_print(issued, other_station):
    from accounts.roles import Role
    from tests.factories import StaffAssignmentFactory

    stranger = UserFactory(roles=[Role.OPERATOR])
    StaffAssignmentFactory(user=stranger, role="operator", station=other_station)
    with pytest.raises(PermissionDenied):
        services.certificate_print_record(certificate=issued, actor=stranger, idempotency_key=uuid.uuid4(),
                                          collector_name="李四", collector_id_number=valid_id_number(500),
                                          collector_is_holder=False, id_checked=True)


# --- The wallet -----------------------------------------------------------------------------------

def test_a_certificate_from_the_wallet_is_attached_to_a_later_application_once(issued, holder, cert_item, station):
    later = ServiceRequestFactory(item=cert_item, station=station, applicant_user=holder)
    attachment = services.certificate_attach_to_request(certificate=issued, request=later, actor=holder)
    assert attachment.sha256 == issued.pdf_sha256 and attachment.content_type == "application/pdf"
    assert services.certificate_attach_to_request(certificate=issued, request=later, actor=holder) == attachment
    assert later.attachments.count() == 1 and later.events.filter(note__contains=issued.serial).exists()


def test_nobody_attaches_someone_elses_certificate(issued, cert_item, station, resident):
    theirs = ServiceRequestFactory(item=cert_item, station=station, applicant_user=resident)
    with pytest.raises(PermissionDenied):
        services.certificate_attach_to_request(certificate=issued, request=theirs, actor=resident)


def test_a_request_already_under_review_takes_no_new_attachments(issued, holder, cert_item, station):
    later = ServiceRequestFactory(item=cert_item, station=station, applicant_user=holder, status="under_review")
    with pytest.raises(ValidationError):
        services.certificate_attach_to_request(certificate=issued, request=later, actor=holder)


def test_a_township_department_certificate_is_numbered_in_its_county(tree):
    assert services.county_of(tree["townships"][0]) == tree["county"]
    assert services.county_of(tree["county"]) == tree["county"]


def test_the_demo_signer_is_replaced_not_duplicated(tree):
    first = services.county_signer_create_demo(county=tree["county"], actor=None)
    second = services.county_signer_create_demo(county=tree["county"], actor=None)
    first.refresh_from_db()
    assert first.retired_at is not None and second.retired_at is None
    assert CountySigningCertificate.objects.filter(retired_at__isnull=True).count() == 1


def test_the_issued_pdf_stays_the_same_when_rendering_runs_twice(issued):
    before = issued.pdf.name
    again = services.certificate_render_pdf_now(certificate_id=issued.pk)
    assert again.pdf.name == before and again.pdf_sha256 == issued.pdf_sha256


def test_a_failed_render_is_marked_and_can_be_retried(approved, officer, seal, monkeypatch,
                                                      django_capture_on_commit_callbacks):
    from gov_services.services.certificates import issue

    def broken(**kwargs):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(issue, "render_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.certificate_issue(request=approved, actor=officer)
    certificate.refresh_from_db()
    assert certificate.pdf_status == Certificate.PdfStatus.FAILED
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_render_retry(certificate=certificate, actor=officer)
    certificate.refresh_from_db()
    assert certificate.pdf_status == Certificate.PdfStatus.READY


def test_request_services_still_work_unchanged(approved, officer):
    request_services.service_request_complete(request=approved, actor=officer)
    assert approved.status == "completed"
