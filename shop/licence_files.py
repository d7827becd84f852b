"""The business-licence scan of a membership application, checked by content. Pure: no ORM.

The same rule as the counter's scans (JPEG, PNG or PDF; the bytes decide, the name and the
declared type may not claim another kind; no hazard of core.uploads.hazard), shared through
core/uploads.py; this module words the refusals for the applicant.
"""

import hashlib
from dataclasses import dataclass
from typing import Final

from django.utils.translation import gettext as _

from core.uploads import (
    MAX_UPLOAD_BYTES,
    canonical_extension,
    claims_another_kind,
    hazard,
    read_within,
    sniff,
)

__all__ = ["MAX_LICENCE_BYTES", "CheckedLicence", "check_licence", "sniff"]

MAX_LICENCE_BYTES: Final = MAX_UPLOAD_BYTES


@dataclass(frozen=True)
class CheckedLicence:
    name: str
    content: bytes
    content_type: str
    extension: str
    sha256: str


def check_licence(upload) -> tuple[CheckedLicence | None, str | None]:
    """(the checked file, None) or (None, why it is refused)."""
    name = str(getattr(upload, "name", "") or "licence")[-200:]
    content = read_within(upload, limit=MAX_LICENCE_BYTES)
    if content is None:
        return None, _("The licence scan is larger than %(mb)d MB.") % {"mb": MAX_LICENCE_BYTES // 2**20}
    content_type = sniff(content) if content else None
    if content_type is None:
        return None, _("The licence scan must be a JPEG, PNG or PDF file (its content was checked, not its name).")
    if claims_another_kind(content_type=content_type, name=name, declared=getattr(upload, "content_type", None)):
        return None, _("“%(name)s” claims to be one kind of file but its content is another.") % {"name": name}
    problem = hazard(content, content_type)
    if problem:
        return None, _("“%(name)s”: %(problem)s") % {"name": name, "problem": problem}
    return CheckedLicence(name=name, content=content, content_type=content_type,
                          extension=canonical_extension(content_type),
                          sha256=hashlib.sha256(content).hexdigest()), None
