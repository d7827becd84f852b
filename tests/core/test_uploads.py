"""core.uploads: the content check both the counter's scans and the store's licence scans rely on."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from core import uploads
from gov_services.requests.services import scans
from shop import licence_files
from tests.core import hostile_files
from tests.factories import jpeg_bytes, pdf_bytes, png_bytes


@pytest.mark.parametrize(("content", "kind"), [(jpeg_bytes(), "image/jpeg"), (png_bytes(), "image/png"),
                                               (pdf_bytes(), "application/pdf")])
def test_jpeg_png_and_pdf_are_recognised_by_their_bytes(content, kind):
    assert uploads.sniff(content) == kind


@pytest.mark.parametrize("content", [
    jpeg_bytes()[:40],  # a JPEG cut off after its header
    png_bytes()[:30],  # a PNG cut off inside its first chunk
    b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n",  # a PDF without its end-of-file marker
    b"%PDF-1.4\n" + b"x" * 5000 + b"%%EOF" + b"y" * 5000,  # the marker buried far from the end
    b"MZ\x90\x00 a renamed executable",
    b"\x89PNG\r\n\x1a\n" + b"garbage after a PNG signature",
    b"",
])
def test_truncated_or_garbage_bytes_are_not_any_kind(content):
    assert uploads.sniff(content) is None


def test_a_png_named_pdf_claims_another_kind():
    assert uploads.claims_another_kind(content_type="image/png", name="licence.pdf")
    assert uploads.claims_another_kind(content_type="image/png", name="scan.exe")  # unknown extensions too
    assert not uploads.claims_another_kind(content_type="image/jpeg", name="SCAN.JPEG")
    assert not uploads.claims_another_kind(content_type="image/png", name="no-extension")


def test_a_declared_type_may_not_claim_another_accepted_kind_but_odd_types_are_ignored():
    assert uploads.claims_another_kind(content_type="image/png", name="a.png", declared="application/pdf")
    assert not uploads.claims_another_kind(content_type="image/jpeg", name="a.jpg", declared="image/pjpeg")
    assert not uploads.claims_another_kind(content_type="image/png", name="a.png", declared="image/png")


def test_read_within_refuses_more_than_the_limit_without_reading_it_all():
    class Stream(io.BytesIO):
        size = None  # a stream that does not know its size

    stream = Stream(b"x" * 100)
    assert uploads.read_within(stream, limit=10) is None
    assert stream.tell() == 11  # limit + 1, never the whole stream
    assert uploads.read_within(SimpleUploadedFile("a.png", b"x" * 11), limit=10) is None  # known size: not read
    assert uploads.read_within(SimpleUploadedFile("a.png", b"x" * 10), limit=10) == b"x" * 10


def test_canonical_extension_names_the_stored_kind():
    assert [uploads.canonical_extension(kind) for kind in uploads.KINDS] == ["jpg", "png", "pdf"]


@pytest.mark.parametrize("check", [scans.check_upload, licence_files.check_licence])
def test_both_callers_accept_sound_files_and_refuse_a_png_named_pdf(check):
    checked, problem = check(SimpleUploadedFile("scan.jpeg", jpeg_bytes(), content_type="image/jpeg"))
    assert problem is None and checked.content_type == "image/jpeg" and checked.extension == "jpg"
    checked, problem = check(SimpleUploadedFile("scan.pdf", pdf_bytes(), content_type="application/pdf"))
    assert problem is None and checked.content_type == "application/pdf"
    checked, problem = check(SimpleUploadedFile("scan.pdf", png_bytes(), content_type="image/png"))
    assert checked is None and "scan.pdf" in problem
    checked, problem = check(SimpleUploadedFile("scan.png", png_bytes()[:30], content_type="image/png"))
    assert checked is None and problem


def test_the_old_names_still_point_at_the_shared_rule():
    assert scans.sniff is uploads.sniff and licence_files.sniff is uploads.sniff
    assert scans.MAX_ATTACHMENT_BYTES == licence_files.MAX_LICENCE_BYTES == uploads.MAX_UPLOAD_BYTES


# --- Hazards: what a genuine file may still not carry -------------------------------------------------

@pytest.mark.parametrize("hostile", hostile_files.CORPUS, ids=str)
def test_every_hostile_file_is_no_accepted_kind_or_is_refused_with_a_reason(hostile):
    kind = uploads.sniff(hostile.content)
    assert kind is None or uploads.hazard(hostile.content, kind)


@pytest.mark.parametrize("content", [hostile_files.jpeg(), hostile_files.png(), hostile_files.SOUND_PDF,
                                     hostile_files.SOUND_PDF_WITH_OBJECT_STREAM, pdf_bytes(), jpeg_bytes((4000, 3000))])
def test_sound_scans_and_pdfs_that_only_open_at_a_page_or_link_to_the_web_have_no_hazard(content):
    assert uploads.hazard(content, uploads.sniff(content)) is None


def test_the_pixel_limit_is_an_explicit_setting_that_pillow_follows_everywhere(settings):
    from PIL import Image

    assert Image.MAX_IMAGE_PIXELS == settings.UPLOAD_MAX_IMAGE_PIXELS == 50_000_000
    eighty_one = hostile_files.blank_png(9000, 9000)
    assert "50" in uploads.hazard(eighty_one, "image/png")
    settings.UPLOAD_MAX_IMAGE_PIXELS = 100_000_000
    assert uploads.hazard(eighty_one, "image/png") is None


@translation.override("en")
def test_a_bomb_beyond_pillows_own_limit_is_named_a_too_large_image_not_a_broken_one():
    bomb = hostile_files.blank_png(20000, 20000)
    assert uploads.sniff(bomb) == "image/png"
    assert "million pixels" in uploads.pixel_refusal(bomb)


def test_an_object_stream_that_cannot_be_read_here_is_refused_rather_than_trusted():
    hidden = hostile_files.pdf_with_object_stream(b"<< /S /URI /URI (https://x.example) >>")
    assert uploads.hazard(hidden.replace(b"/Filter /FlateDecode", b"/Filter /LZWDecode"), "application/pdf")
    assert uploads.pdf_active_content(hidden) is None


@pytest.mark.parametrize(("name", "content", "refused"), [
    ("rules.pdf", hostile_files.SOUND_PDF, False),
    ("rules.pdf", hostile_files.named("a PDF that runs JavaScript when opened"), True),
    ("rules.pdf", hostile_files.EXE, True),
    ("form.docx", hostile_files.a_zip(), False),
    ("form.docx", hostile_files.HTML, True),
    ("list.csv", "姓名,电话\n张三,1\n".encode("gb18030"), False),
    ("list.csv", "\ufeff姓名,电话\n张三,1\n".encode("utf-8"), False),
    ("list.txt", "姓名\t电话\n张三\t1\n".encode("utf-16"), False),  # Excel's "Unicode text", with its BOM
    ("list.txt", hostile_files.EXE, True),
    ("list.txt", b"\xff\xfe\x00\x00garbage", True),
])
def test_documents_must_be_what_their_extension_says(name, content, refused):
    from django.core.exceptions import ValidationError

    upload = SimpleUploadedFile(name, content)
    if refused:
        with pytest.raises(ValidationError):
            uploads.validate_document(upload)
    else:
        uploads.validate_document(upload)
        assert upload.tell() == 0  # left for the form to save


@translation.override("en")
def test_the_checked_image_field_words_a_bomb_as_too_many_pixels_before_pillow_calls_it_broken():
    from django.core.exceptions import ValidationError

    field = uploads.CheckedImageField()
    with pytest.raises(ValidationError, match="million pixels"):
        field.clean(SimpleUploadedFile("big.png", hostile_files.blank_png(20000, 20000)))
    with pytest.raises(ValidationError, match="web-page code"):
        field.clean(SimpleUploadedFile("p.jpg", hostile_files.jpeg_with_comment(hostile_files.HTML)))
    with pytest.raises(ValidationError, match="JPEG/PNG/GIF/WEBP"):
        field.clean(SimpleUploadedFile("a.bmp", _bmp()))
    assert field.clean(SimpleUploadedFile("ok.jpg", hostile_files.jpeg())).image.format == "JPEG"


def _bmp() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="BMP")
    return buffer.getvalue()


@translation.override("en")
def test_a_scan_or_a_licence_with_a_hazard_is_refused_naming_the_file():
    checked, problem = scans.check_upload(SimpleUploadedFile("id.png", hostile_files.blank_png(9000, 9000)))
    assert checked is None and "id.png" in problem and "million pixels" in problem
    launcher = hostile_files.named("a PDF that launches a program")
    checked, problem = licence_files.check_licence(SimpleUploadedFile("lic.pdf", launcher))
    assert checked is None and "lic.pdf" in problem
    assert scans.check_signature(hostile_files.blank_png(3000, 3000))  # 9 megapixels: no signature pad draws that


@pytest.mark.django_db
def test_a_decompression_bomb_seal_gets_a_clear_form_error_not_a_server_error(client, county_admin, department,
                                                                              private_files):
    from django.urls import reverse

    from gov_services.models import DepartmentSeal

    client.force_login(county_admin)
    response = client.post(reverse("gov_services:certificate-department", args=[department.pk]),
                           {"image": SimpleUploadedFile("seal.png", hostile_files.blank_png(20000, 20000))})
    assert response.status_code == 400
    assert "100" in " ".join(response.context["form"].errors["image"])  # between 100 and 4000 pixels
    assert not DepartmentSeal.objects.exists()
