"""Uploaded scans checked by their content, never by their name. Pure: no ORM, no messages.

Accepted kinds: JPEG, PNG and PDF. An image must open in Pillow and pass `verify()` in the
format its first bytes claim; a PDF must start with its header and end with its end-of-file
marker. The file's name and the type the browser declared must not claim another of the
accepted kinds (a PDF named .png, an .exe renamed .jpg). The callers (gov_services' request
scans, shop's licence scans) word their own refusals.
"""

import io
from typing import Final, Protocol

from PIL import Image

MAX_UPLOAD_BYTES: Final = 10 * 1024 * 1024

KINDS: Final = {  # content type: (magic bytes, Pillow format or None, extensions the name may have)
    "image/jpeg": (b"\xff\xd8\xff", "JPEG", ("jpg", "jpeg")),
    "image/png": (b"\x89PNG\r\n\x1a\n", "PNG", ("png",)),
    "application/pdf": (b"%PDF-", None, ("pdf",)),
}
_PDF_EOF_WINDOW: Final = 2048  # writers may append a newline or a little padding after %%EOF


class Upload(Protocol):
    """What an upload must offer. A Django UploadedFile will do."""

    name: str
    size: int

    def read(self, size: int = -1) -> bytes: ...


def sniff(content: bytes) -> str | None:
    """The content type the bytes really are (JPEG, PNG or PDF, verified), or None."""
    for content_type, (magic, pillow_format, _extensions) in KINDS.items():
        if not content.startswith(magic):
            continue
        if pillow_format is None:  # PDF: a header and an end-of-file marker
            return content_type if b"%%EOF" in content[-_PDF_EOF_WINDOW:] else None
        return content_type if _image_verifies(content, pillow_format) else None
    return None


def _image_verifies(content: bytes, pillow_format: str) -> bool:
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format != pillow_format:
                return False
            image.verify()
    except Exception:  # Pillow raises many kinds for a broken or hostile file; all of them mean "refuse".
        return False
    return True


def extension_of(name: str) -> str:
    """"Scan.JPG" → "jpg"; "" when the name has no extension."""
    return name.rsplit(".", 1)[1].lower() if "." in name else ""


def canonical_extension(content_type: str) -> str:
    """The extension a file of an accepted kind is stored under ("jpg" for JPEG)."""
    return KINDS[content_type][2][0]


def claims_another_kind(*, content_type: str, name: str, declared: str | None = None) -> bool:
    """Whether the name's extension or the declared type contradicts the sniffed `content_type`.

    An unknown extension counts as a contradiction (scan.exe). A declared type that is not one of
    the accepted kinds (image/pjpeg) is ignored, because browsers send such types for sound files.
    """
    extension = extension_of(name)
    if extension and extension not in KINDS[content_type][2]:
        return True
    return declared in KINDS and declared != content_type


def read_within(upload: Upload, *, limit: int) -> bytes | None:
    """The upload's bytes, or None when there are more than `limit` (never reads more than limit + 1)."""
    if getattr(upload, "size", None) is not None and upload.size > limit:
        return None
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(limit + 1)
    return None if len(content) > limit else content
