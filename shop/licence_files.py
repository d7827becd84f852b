"""The business-licence scan of a membership application, checked by content. Pure: no ORM.

The same rule as the counter's scans (JPEG, PNG or PDF; the bytes decide, the name may not
claim another kind). shop may not import gov_services, so the check lives here too.
"""

import hashlib
import io
from dataclasses import dataclass
from typing import Final

from django.utils.translation import gettext as _
from PIL import Image

MAX_LICENCE_BYTES: Final = 10 * 1024 * 1024
_KINDS: Final = {  # content type: (magic bytes, Pillow format or None, extensions the name may have)
    "image/jpeg": (b"\xff\xd8\xff", "JPEG", ("jpg", "jpeg")),
    "image/png": (b"\x89PNG\r\n\x1a\n", "PNG", ("png",)),
    "application/pdf": (b"%PDF-", None, ("pdf",)),
}


@dataclass(frozen=True)
class CheckedLicence:
    name: str
    content: bytes
    content_type: str
    extension: str
    sha256: str


def sniff(content: bytes) -> str | None:
    """The content type the bytes really are (JPEG, PNG or PDF, verified), or None."""
    for content_type, (magic, pillow_format, _extensions) in _KINDS.items():
        if not content.startswith(magic):
            continue
        if pillow_format is None:
            return content_type if b"%%EOF" in content[-2048:] else None
        try:
            with Image.open(io.BytesIO(content)) as image:
                if image.format != pillow_format:
                    return None
                image.verify()
        except Exception:  # any Pillow error on a broken or hostile file means "refuse"
            return None
        return content_type
    return None


def check_licence(upload) -> tuple[CheckedLicence | None, str | None]:
    """(the checked file, None) or (None, why it is refused)."""
    name = str(getattr(upload, "name", "") or "licence")[-200:]
    if getattr(upload, "size", 0) and upload.size > MAX_LICENCE_BYTES:
        return None, _("The licence scan is larger than %(mb)d MB.") % {"mb": MAX_LICENCE_BYTES // 2**20}
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(MAX_LICENCE_BYTES + 1)
    if len(content) > MAX_LICENCE_BYTES:
        return None, _("The licence scan is larger than %(mb)d MB.") % {"mb": MAX_LICENCE_BYTES // 2**20}
    content_type = sniff(content) if content else None
    if content_type is None:
        return None, _("The licence scan must be a JPEG, PNG or PDF file (its content was checked, not its name).")
    extensions = _KINDS[content_type][2]
    extension = name.rsplit(".", 1)[1].lower() if "." in name else ""
    if extension and extension not in extensions:
        return None, _("“%(name)s” claims to be one kind of file but its content is another.") % {"name": name}
    return CheckedLicence(name=name, content=content, content_type=content_type, extension=extensions[0],
                          sha256=hashlib.sha256(content).hexdigest()), None
