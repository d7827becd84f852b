"""core.http's file responses, and every view that hands out a file: a safe name, nosniff, private and
not stored; users' files downloaded in a sandbox, shown in the browser only as verified images."""

import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.http import IMAGE_PREVIEW_SANDBOX, SANDBOX, safe_filename, site_file_response, user_file_response
from core.storage import private_storage
from gov_services.requests.services import service_request_submit
from shop.services import merchants as merchant_services
from tests.core import hostile_files
from tests.factories import upload, valid_id_number
from tests.shop.factories import credit_code

pytestmark = pytest.mark.django_db


class Stored:
    """A stored file as a FieldFile offers it: opened for reading."""

    def __init__(self, name: str, content: bytes):
        self.name = private_storage.save(name, ContentFile(content))

    def open(self, mode="rb"):
        return private_storage.open(self.name, mode)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(("name", "extension", "safe"), [
    ("id-front.png", "png", "id-front.png"), ("../../etc/passwd", None, "passwd"), ("evil.html", "png", "evil.png"),
    ('a"b\r\nc.pdf', "pdf", "a_b_c.pdf"), (".htaccess", None, "htaccess"), ("", None, "file"),
    ("身份证.JPG", "jpg", "身份证.jpg"), ("C:\\x\\y.exe", "bin", "y.bin"),
])
def test_download_names_lose_folders_control_characters_and_any_extension_their_content_denies(
        name, extension, safe):
    assert safe_filename(name, extension=extension) == safe


def test_a_users_pdf_is_a_sandboxed_download_even_when_a_preview_is_asked_for(private_files):
    response = user_file_response(Stored("a.pdf", hostile_files.SOUND_PDF), filename="scan.html", preview=True)
    assert response["Content-Disposition"].startswith("attachment;") and 'filename="scan.pdf"' in response[
        "Content-Disposition"]
    assert response["Content-Type"] == "application/pdf" and response["Content-Security-Policy"] == SANDBOX
    assert response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"] == "private, no-store"
    assert _body(response) == hostile_files.SOUND_PDF


def test_a_verified_image_is_previewed_inline_still_in_a_sandbox(private_files):
    response = user_file_response(Stored("a.png", hostile_files.png()), filename="seal", preview=True)
    assert response["Content-Disposition"].startswith("inline;") and response["Content-Type"] == "image/png"
    assert response["Content-Security-Policy"] == IMAGE_PREVIEW_SANDBOX and "sandbox" in IMAGE_PREVIEW_SANDBOX
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("content", [hostile_files.jpeg_with_comment(hostile_files.HTML), hostile_files.SVG,
                                     hostile_files.HTML, hostile_files.blank_png(9000, 9000)])
def test_a_stored_file_that_fails_the_checks_today_is_never_shown_inline(private_files, content):
    response = user_file_response(Stored("old.jpg", content), filename="old.jpg", preview=True)
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == SANDBOX


def test_bytes_of_no_known_kind_are_sent_as_bytes_with_a_harmless_name(private_files):
    response = user_file_response(Stored("x", hostile_files.HTML), filename="page.html")
    assert response["Content-Type"] == "application/octet-stream" and 'filename="page.bin"' in response[
        "Content-Disposition"]


def test_a_missing_file_is_a_404(private_files):
    from django.http import Http404

    stored = Stored("gone.png", hostile_files.png())
    private_storage.delete(stored.name)
    with pytest.raises(Http404):
        user_file_response(stored, filename="gone.png")


def test_the_sites_own_pdf_may_open_in_the_browser_whose_pdf_viewer_a_sandbox_would_stop():
    inline = site_file_response(b"%PDF-1.7", filename="certificate.pdf", content_type="application/pdf", inline=True)
    assert inline["Content-Disposition"] == 'inline; filename="certificate.pdf"'
    assert "Content-Security-Policy" not in inline and inline["X-Content-Type-Options"] == "nosniff"
    download = site_file_response(b"a,b", filename="export.csv", content_type="text/csv")
    assert download["Content-Disposition"].startswith("attachment;") and download["Content-Security-Policy"] == SANDBOX


# --- the views that serve users' files ------------------------------------------------------------

def _application(tree, content: bytes, name: str):
    return merchant_services.merchant_application_submit(
        idempotency_key=uuid.uuid4(), business_name="乐亭县惠农农资店", credit_code=credit_code(),
        licence=SimpleUploadedFile(name, content), contact_name="王建国", contact_phone="13833300001",
        address="乐亭镇建设路8号", categories=["agri_inputs"], township_ids=[tree["townships"][0].pk], note="")


def test_a_pdf_licence_is_downloaded_not_opened_and_an_image_licence_is_previewed_in_a_sandbox(
        client, tree, county_admin, private_files):
    client.force_login(county_admin)
    pdf = client.get(reverse("shop:county-application-licence",
                             args=[_application(tree, hostile_files.SOUND_PDF, "licence.pdf").pk]))
    assert pdf.status_code == 200 and pdf["Content-Disposition"].startswith("attachment;")
    assert pdf["Content-Security-Policy"] == SANDBOX and pdf["X-Content-Type-Options"] == "nosniff"
    image = client.get(reverse("shop:county-application-licence",
                               args=[_application(tree, hostile_files.png(), "licence.png").pk]))
    assert image["Content-Disposition"].startswith("inline;") and image["Content-Type"] == "image/png"
    assert image["Content-Security-Policy"] == IMAGE_PREVIEW_SANDBOX


@pytest.fixture
def filed_with_scans(private_files, operator, station, request_item):
    id_card = request_item.materials.get(name="身份证")
    book = request_item.materials.get(name="户口簿")
    return service_request_submit(
        actor=operator, idempotency_key=uuid.uuid4(), kind="application", item=request_item,
        applicant_name="李淑芬", applicant_id_number=valid_id_number(7), applicant_phone="13987654321",
        consent="witnessed", channel="counter", station=station, form_data={"purpose": "就业"},
        attachments=[upload("id.png", hostile_files.png(), id_card), upload("book.pdf", hostile_files.SOUND_PDF, book)])


def test_the_officer_previews_an_image_scan_but_downloads_a_pdf_scan(client, officer, filed_with_scans,
                                                                      private_files):
    client.force_login(officer)
    image, pdf = filed_with_scans.attachments.order_by("original_name").reverse()
    shown = client.get(reverse("gov_services:request-attachment", args=[image.pk]))
    assert shown["Content-Disposition"].startswith("inline;") and shown["Content-Security-Policy"] == IMAGE_PREVIEW_SANDBOX
    downloaded = client.get(reverse("gov_services:request-attachment", args=[image.pk]), {"download": "1"})
    assert downloaded["Content-Disposition"].startswith("attachment;")
    opened = client.get(reverse("gov_services:request-attachment", args=[pdf.pk]))
    assert opened["Content-Disposition"].startswith("attachment;") and opened["Content-Security-Policy"] == SANDBOX


def test_the_counter_downloads_its_scans_in_a_sandbox(client, operator, filed_with_scans, private_files):
    client.force_login(operator)
    attachment = filed_with_scans.attachments.get(original_name="id.png")
    response = client.get(reverse("gov_services:counter-attachment-download", args=[attachment.pk]))
    assert response["Content-Disposition"].startswith("attachment;") and response["Content-Security-Policy"] == SANDBOX


def test_the_department_seal_is_previewed_as_a_verified_image(client, county_admin, department, private_files):
    from gov_services.certificates import services as cert_services
    from tests.gov_services.certificate_helpers import seal_png

    cert_services.department_seal_upload(department=department, content=seal_png(), actor=None)
    client.force_login(county_admin)
    response = client.get(reverse("gov_services:certificate-department-seal", args=[department.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;") and "sandbox" in response["Content-Security-Policy"]


def test_cms_documents_are_downloaded_with_nosniff_and_no_embedded_content(client, settings, tmp_path):
    from wagtail.documents import get_document_model
    from wagtail.models import Collection

    settings.MEDIA_ROOT = tmp_path
    collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    document = get_document_model().objects.create(
        title="规章", collection=collection, file=ContentFile(hostile_files.SOUND_PDF, name="rules.pdf"))
    response = client.get(document.url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Security-Policy"] == "default-src 'none'"
