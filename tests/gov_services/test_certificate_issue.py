
"""Issuing certificates (gov_services/certificates/services): numbering, signing, rendering the PDF (with a TSA,
after commit, retried after a failure), who issues, and automatic issuance on approval."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import AuditEvent
from gov_services.certificates import selectors, services
from gov_services.models import Certificate, CertificateType, RequestEvent, ServiceRequest
from gov_services.requests import services as request_services
from tests.factories import ServiceRequestFactory, valid_id_number
from tests.gov_services.certificate_helpers import HOLDER_NAME, approved_request, pdf_text, squash
from tests.gov_services.dept_helpers import act

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


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


def test_a_second_click_returns_the_same_certificate(issued_no_pdf, approved, officer):
    assert services.certificate_issue(request=approved, actor=officer) == issued_no_pdf
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
    request = approved_request(cert_item, station, officer)  # the approval's certificate step issues it
    certificate = request.certificates.get()
    assert certificate.status == Certificate.Status.VALID and certificate.issued_by is None
    assert services.certificate_issue_on_approval(request=request) is None  # already issued
    assert request.certificates.count() == 1


def test_approving_on_the_request_page_issues_the_automatic_certificate(client, cert_item, station, officer, seal):
    CertificateType.objects.filter(item=cert_item).update(auto_issue=True)
    request = ServiceRequestFactory(item=cert_item, station=station, applicant_name=HOLDER_NAME,
                                    form_data={"purpose": "job"})
    request_services.service_request_accept(request=request, actor=officer)
    request_services.service_request_start_review(request=request, actor=officer)
    client.force_login(officer)
    assert act(client, request, "approve", note="同意", confirm="on").status_code == 302
    request.refresh_from_db()
    certificate = request.certificates.get()
    assert request.status == ServiceRequest.Status.APPROVED
    assert certificate.status == Certificate.Status.VALID and certificate.issued_by is None


def test_automatic_issuance_without_a_seal_leaves_a_note_and_does_not_fail(cert_item, station, officer):
    CertificateType.objects.filter(item=cert_item).update(auto_issue=True)
    request = approved_request(cert_item, station, officer)  # the certificate step tried, and left a note
    assert request.status == ServiceRequest.Status.APPROVED and not request.certificates.exists()
    note = request.events.get(internal=True, action="note")
    assert "seal" in note.note or "印章" in note.note


def test_items_without_automatic_issuance_are_left_to_the_officer(approved, seal):
    assert services.certificate_issue_on_approval(request=approved) is None


def test_a_township_department_certificate_is_numbered_in_its_county(tree):
    assert services.county_of(tree["townships"][0]) == tree["county"]
    assert services.county_of(tree["county"]) == tree["county"]


def test_the_issued_pdf_stays_the_same_when_rendering_runs_twice(issued):
    before = issued.pdf.name
    again = services.certificate_render_pdf_now(certificate_id=issued.pk)
    assert again.pdf.name == before and again.pdf_sha256 == issued.pdf_sha256


def test_a_failed_render_is_marked_and_can_be_retried(approved, officer, seal, monkeypatch,
                                                      django_capture_on_commit_callbacks):
    from gov_services.certificates.services import issue

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
