"""Scans and signatures, checked by their content and never by their name. Pure: no ORM.

Accepted: JPEG, PNG and PDF up to MAX_ATTACHMENT_BYTES. An image must open in Pillow and pass
`verify()` in the format its first bytes claim. A PDF must start with its header and end with its
end-of-file marker. The file's name and the type the browser declared must not claim another of
the accepted kinds, so a PDF named .png is refused, and so is an .exe renamed .jpg.
"""

import hashlib
import io
from dataclasses import dataclass
from typing import Final, Protocol

from django.utils.translation import gettext as _
from PIL import Image

MAX_ATTACHMENT_BYTES: Final = 10 * 1024 * 1024
MAX_SIGNATURE_BYTES: Final = 1024 * 1024

_KINDS: Final = {  # content type: (magic bytes, Pillow format or None, extensions the name may have)
    "image/jpeg": (b"\xff\xd8\xff", "JPEG", ("jpg", "jpeg")),
    "image/png": (b"\x89PNG\r\n\x1a\n", "PNG", ("png",)),
    "application/pdf": (b"%PDF-", None, ("pdf",)),
}


class Upload(Protocol):
    """What an attachment must offer. A Django UploadedFile with a `material_id` attribute will do."""

    name: str
    size: int

    def read(self, size: int = -1) -> bytes: ...


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content: bytes
    content_type: str
    extension: str
    sha256: str
    material_id: int | None


def sniff(content: bytes) -> str | None:
    """The content type the bytes really are (JPEG, PNG or PDF, verified), or None."""
    for content_type, (magic, pillow_format, _extensions) in _KINDS.items():
        if not content.startswith(magic):
            continue
        if pillow_format is None:  # PDF: a header and an end-of-file marker
            return content_type if b"%%EOF" in content[-2048:] else None
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


def _read(upload: Upload, *, limit: int) -> bytes | None:
    """The upload's bytes, or None when there are more than `limit` (never reads more than limit + 1)."""
    if getattr(upload, "size", None) is not None and upload.size > limit:
        return None
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(limit + 1)
    return None if len(content) > limit else content


def check_upload(upload: Upload) -> tuple[CheckedFile | None, str | None]:
    """(the checked file, None) or (None, why it is refused)."""
    name = str(getattr(upload, "name", "") or "scan")[-200:]
    content = _read(upload, limit=MAX_ATTACHMENT_BYTES)
    if content is None:
        return None, _("“%(name)s” is larger than %(max)d MB.") % {
            "name": name, "max": MAX_ATTACHMENT_BYTES // (1024 * 1024)}
    if not content:
        return None, _("“%(name)s” is empty.") % {"name": name}
    content_type = sniff(content)
    if content_type is None:
        return None, _("“%(name)s” is not a JPEG, PNG or PDF file (its content was checked, not its name).") % {
            "name": name}
    extensions = _KINDS[content_type][2]
    extension = name.rsplit(".", 1)[1].lower() if "." in name else ""
    declared = getattr(upload, "content_type", None)
    # Unknown extensions are refused too (scan.exe). Odd declared types (image/pjpeg) are ignored,
    # because browsers send them for sound files.
    if (extension and extension not in extensions) or (declared in _KINDS and declared != content_type):
        return None, _("“%(name)s” claims to be one kind of file but its content is another.") % {"name": name}
    material_id = getattr(upload, "material_id", None)
    return CheckedFile(name=name, content=content, content_type=content_type, extension=extensions[0],
                       sha256=hashlib.sha256(content).hexdigest(),
                       material_id=int(material_id) if material_id not in (None, "") else None), None


def check_signature(signature: bytes) -> str | None:
    """Why a signature image is refused, or None when it is a sound PNG from the pad."""
    if len(signature) > MAX_SIGNATURE_BYTES:
        return _("The signature image is too large.")
    if sniff(signature) != "image/png":
        return _("The signature must be a PNG image from the signature pad.")
    return None
