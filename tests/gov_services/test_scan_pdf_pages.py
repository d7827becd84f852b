"""A PDF scan in the officers' scan viewer: its pages drawn on the server (poppler through pipes) from the
decrypted bytes, cached sealed, never a plain file on disk; for whoever may see the request only."""

import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse

from core import file_crypto
from core.pdf_pages import PdfPageError, pdf_page_count, stored_pdf_page_jpeg
from gov_services.requests import services as services
from tests.factories import ServiceItemFactory, UserFactory, pdf_bytes, upload, valid_id_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


@pytest.fixture
def filed(operator, station, department):
    item = ServiceItemFactory(department=department, lowest_level="village", form_schema=[])
    return services.service_request_submit(
        actor=operator, idempotency_key=uuid.uuid4(), kind="application", item=item, applicant_name="周桂兰",
        applicant_id_number=valid_id_number(1), applicant_phone="13812345678", consent="witnessed",
        channel="counter", station=station, form_data={},
        attachments=[upload("户口簿.pdf", pdf_bytes(3), content_type="application/pdf")])


def test_page_count_and_a_damaged_pdf_is_refused_not_a_crash():
    assert pdf_page_count(pdf_bytes(3)) == 3
    with pytest.raises(PdfPageError):
        pdf_page_count(b"%PDF-1.4 not really")


def test_an_officer_pages_through_a_pdf_scan_as_pictures(client, filed, officer, private_files):
    cache.clear()
    scan = filed.attachments.get()
    client.force_login(officer)
    detail = client.get(reverse("gov_services:dept-request-detail", args=[filed.pk])).content.decode()
    assert 'data-scan-pages="3"' in detail
    url = reverse("gov_services:request-attachment-page", args=[scan.pk])
    for page in (1, 3):
        response = client.get(url, {"page": page, "size": "view"})
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert response.content.startswith(b"\xff\xd8") and response["Cache-Control"] == "private, no-store"
    assert client.get(url, {"page": 4}).status_code == 404
    thumb = client.get(url, {"page": 1, "size": "thumb"}).content
    assert len(thumb) < len(client.get(url, {"page": 1}).content)
    # Nothing readable on disk: only the sealed scan is there; the cached pages are sealed too.
    assert all(file_crypto.is_encrypted(p.read_bytes()) for p in private_files.rglob("*") if p.is_file())
    cached = cache.get(f"pdf-pages:v1:page:{scan.file.name}:3:view")
    assert file_crypto.is_encrypted(cached) and stored_pdf_page_jpeg(scan.file, page=3, size="view").startswith(
        b"\xff\xd8")


def test_a_pdf_page_is_for_whoever_may_see_the_request_only(client, filed):
    scan = filed.attachments.get()
    client.force_login(UserFactory(roles=["officer"]))  # an officer of no department holding it
    response = client.get(reverse("gov_services:request-attachment-page", args=[scan.pk]), {"page": 1})
    assert response.status_code in (403, 404)
