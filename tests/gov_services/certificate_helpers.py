"""Fixtures and helpers for the certificate tests. Import the fixtures by name:

    from tests.gov_services.certificate_helpers import cert_item, seal, approved, ...

Rendering a certificate's PDF (WeasyPrint, then PAdES signing) takes about half a second. `issued` pays
it; a test that never reads the PDF takes `issued_no_pdf` instead, the same certificate before the
worker has rendered it.
"""

import io
import shutil
import subprocess
from contextlib import contextmanager, nullcontext
from unittest import mock

import pytest
from django.db import transaction
from PIL import Image

from accounts.roles import Role
from gov_services.certificates import services as cert_services
from gov_services.certificates.services import issue as issue_module
from gov_services.models import Certificate, ServiceRequest
from gov_services.requests import services as request_services
from gov_services.tasks.certificates import certificate_render_pdf
from tests.factories import (
    ServiceItemFactory,
    ServiceRequestFactory,
    UserFactory,
    staff_user,
)

HOLDER_NAME = "王秀英"


def seal_png(size: int = 200) -> bytes:
    """A red ring on transparency, like a scanned seal."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    from PIL import ImageDraw

    ImageDraw.Draw(image).ellipse((8, 8, size - 8, size - 8), outline=(200, 0, 0, 255), width=8)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF as pdftotext (poppler-utils) extracts it; pypdf where poppler is missing."""
    if shutil.which("pdftotext"):
        result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                                check=True)
        return result.stdout.decode("utf-8")
    pypdf = pytest.importorskip("pypdf", reason="needs pdftotext (poppler-utils) or pypdf to read PDF text")
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def cert_item(department):
    """An item of `department` that ends in a certificate, with a purpose field, and its layout."""
    item = ServiceItemFactory(
        department=department, code="LT-GAJ-01", name="户籍证明", issues_certificate=True, online_allowed=True,
        form_schema=[{"name": "purpose", "type": "choice", "label": "用途", "required": True,
                      "choices": [["job", "就业"], ["school", "入学"]]}])
    cert_services.certificate_type_save(
        item=item, actor=None, code="HJZM", title="户籍证明", validity_days=180,
        body_html=("<h1>{{ title }}</h1><p>编号 {{ serial }}</p><p>兹证明{{ holder_name }}户籍在{{ village }}。</p>"
                   "<p>用途：{{ form.purpose }}</p><p>{{ department }} {{ issue_date }}</p>{{ seal }}{{ qr }}"),
        css="h1 { font-size: 20pt; }")
    return item


@pytest.fixture
def seal(department, private_files):
    return cert_services.department_seal_upload(department=department, content=seal_png(), actor=None)


@pytest.fixture
def holder(db):
    return UserFactory(roles=[Role.RESIDENT], full_name=HOLDER_NAME)


def approved_request(item, station, officer, *, applicant_user=None, **fields) -> ServiceRequest:
    """A request for `item` filed at `station`, accepted, reviewed and approved by `officer`; as the approval
    screens do, the approval is followed, in its transaction, by the automatic certificate step."""
    request = ServiceRequestFactory(item=item, station=station, applicant_name=HOLDER_NAME,
                                    applicant_user=applicant_user, form_data={"purpose": "job"}, **fields)
    request_services.service_request_accept(request=request, actor=officer)
    request_services.service_request_start_review(request=request, actor=officer)
    with transaction.atomic():
        request_services.service_request_approve(request=request, actor=officer, note="同意")
        cert_services.certificate_issue_on_approval(request=request)
    return request


@pytest.fixture
def approved(cert_item, station, officer, holder):
    return approved_request(cert_item, station, officer, applicant_user=holder)


@contextmanager
def pdf_rendering_held():
    """Inside, a certificate's PDF is handed to Celery (the mock records the hand-off) but its task does not
    run, where tasks otherwise run at once in tests: the certificate stays as the system holds it until the
    worker is done (pdf_status pending, no PDF file, no pdf_sha256), and the test is spared the ~0.5 s of
    WeasyPrint and PAdES signing. Other on-commit work (a new signing key's cache reset) still runs."""
    with mock.patch.object(issue_module, "hand_off", return_value=True) as hand_off:
        yield hand_off


def issue_committed(request: ServiceRequest, actor, capture, *, render_pdf: bool = True) -> Certificate:
    """`actor` issues the certificate of `request`, then what waits for the commit runs (`capture` is
    pytest-django's django_capture_on_commit_callbacks), the PDF's rendering too unless render_pdf=False
    (see pdf_rendering_held)."""
    held = nullcontext() if render_pdf else pdf_rendering_held()
    with held as hand_off, capture(execute=True):
        certificate = cert_services.certificate_issue(request=request, actor=actor)
    if not render_pdf:
        hand_off.assert_called_once_with(certificate_render_pdf, args=(certificate.pk,), what=mock.ANY)
    certificate.refresh_from_db()
    return certificate


@pytest.fixture
def issued(approved, officer, seal, django_capture_on_commit_callbacks):
    """A certificate issued by the officer, its PDF rendered by the (eager) task after commit."""
    return issue_committed(approved, officer, django_capture_on_commit_callbacks)


@pytest.fixture
def issued_no_pdf(approved, officer, seal, django_capture_on_commit_callbacks):
    """The certificate of `issued` before the worker renders its PDF (pdf_status pending, no PDF): for the
    tests that never need the PDF, nor an action that waits for it (printing, attaching from the wallet)."""
    certificate = issue_committed(approved, officer, django_capture_on_commit_callbacks, render_pdf=False)
    assert certificate.pdf_status == Certificate.PdfStatus.PENDING and not certificate.pdf
    return certificate


@pytest.fixture
def station_operator(station):
    return staff_user(Role.OPERATOR, station=station)
