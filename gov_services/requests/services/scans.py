"""Scans and signatures, checked by their content and never by their name. Pure: no ORM.

Accepted: JPEG, PNG and PDF up to MAX_ATTACHMENT_BYTES. The content rules (Pillow `verify()`, the
PDF end-of-file marker, a name or declared type that may not claim another kind, and the hazards:
too many pixels, an active PDF, hidden web-page code) live in core/uploads.py, shared with the
store's licence scans; this module words the refusals.
"""

import hashlib
from dataclasses import dataclass
from typing import Final

from django.utils.translation import gettext as _

from core.uploads import (
    MAX_UPLOAD_BYTES,
    Upload,
    canonical_extension,
    claims_another_kind,
    hazard,
    read_within,
    sniff,
)

__all__ = ["MAX_ATTACHMENT_BYTES", "MAX_SIGNATURE_BYTES", "CheckedFile", "Upload", "check_signature",
           "check_upload", "sniff"]

MAX_ATTACHMENT_BYTES: Final = MAX_UPLOAD_BYTES
MAX_SIGNATURE_BYTES: Final = 1024 * 1024
MAX_SIGNATURE_PIXELS: Final = 2_000_000  # the pad draws about 600 × 200


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content: bytes
    content_type: str
    extension: str
    sha256: str
    material_id: int | None


def check_upload(upload: Upload) -> tuple[CheckedFile | None, str | None]:
    """(the checked file, None) or (None, why it is refused). `upload.material_id` is kept when given."""
    name = str(getattr(upload, "name", "") or "scan")[-200:]
    content = read_within(upload, limit=MAX_ATTACHMENT_BYTES)
    if content is None:
        return None, _("“%(name)s” is larger than %(max)d MB.") % {
            "name": name, "max": MAX_ATTACHMENT_BYTES // (1024 * 1024)}
    if not content:
        return None, _("“%(name)s” is empty.") % {"name": name}
    content_type = sniff(content)
    if content_type is None:
        return None, _("“%(name)s” is not a JPEG, PNG or PDF file (its content was checked, not its name).") % {
            "name": name}
    if claims_another_kind(content_type=content_type, name=name, declared=getattr(upload, "content_type", None)):
        return None, _("“%(name)s” claims to be one kind of file but its content is another.") % {"name": name}
    problem = hazard(content, content_type)
    if problem:
        return None, _("“%(name)s”: %(problem)s") % {"name": name, "problem": problem}
    material_id = getattr(upload, "material_id", None)
    return CheckedFile(name=name, content=content, content_type=content_type,
                       extension=canonical_extension(content_type), sha256=hashlib.sha256(content).hexdigest(),
                       material_id=int(material_id) if material_id not in (None, "") else None), None


def check_signature(signature: bytes) -> str | None:
    """Why a signature image is refused, or None when it is a sound PNG from the pad."""
    if len(signature) > MAX_SIGNATURE_BYTES:
        return _("The signature image is too large.")
    if sniff(signature) != "image/png":
        return _("The signature must be a PNG image from the signature pad.")
    return hazard(signature, "image/png", max_pixels=MAX_SIGNATURE_PIXELS)
