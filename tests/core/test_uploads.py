"""core.uploads: the content check both the counter's scans and the store's licence scans rely on."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core import uploads
from gov_services.services.requests import scans
from shop import licence_files
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
