"""Uploaded files checked by their content, never by their name. Pure: no ORM.

Accepted kinds: JPEG, PNG and PDF. An image must open in Pillow and pass `verify()` in the
format its first bytes claim; a PDF must start with its header and end with its end-of-file
marker. The file's name and the type the browser declared must not claim another of the
accepted kinds (a PDF named .png, an .exe renamed .jpg). The callers (gov_services' request
scans, shop's licence scans) word their own refusals for these.

A file that is what it claims to be may still be refused, and `hazard` says why in words for the
person who sent it: an image with more pixels than UPLOAD_MAX_IMAGE_PIXELS (a decompression bomb
costs gigabytes of memory when it is drawn), a PDF that can act when it is opened (JavaScript,
launch, additional or opening actions, embedded files, rich media, XFA forms) — refused rather than
sanitised, because a scan or a licence never needs any of these and rewriting a PDF is a parser of its
own to trust — and web-page code hidden in any file (a JPEG/HTML polyglot).

Forms we do not own (Oscar's product pictures, Wagtail's images and documents) and the QR photo use
the same rules through `validate_image`, `validate_document` and `CheckedImageField`.
"""

import io
import re
import warnings
import zlib
from typing import Final, Protocol

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image

from core.spreadsheets import SpreadsheetError, decode_text

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
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                if image.format != pillow_format:
                    return False
                image.verify()
    except Image.DecompressionBombError:
        return True  # an image of this kind by its header; `hazard` refuses its size
    except Exception:  # Pillow raises many kinds for a broken or hostile file; all of them mean "refuse".
        return False
    return True


# --- What a genuine file may still not carry -------------------------------------------------------

# Web-page code that a browser would run if the file were ever taken for HTML. Long enough markers
# that compressed image data matches one by chance about once in a million 10 MB files.
_MARKUP = re.compile(rb"<(?:script|iframe|object|embed|html|body|svg|math)[\s/>]|<!doctype\s+html|<\?php\s"
                     rb"|javascript:|vbscript:|\son(?:error|load|click|mouseover)\s*=", re.IGNORECASE)
_PDF_DELIMITER = rb"(?=[\s()<>\[\]{}/%]|$)"
# Names that make a PDF act when it is opened or hand over another file; /OpenAction followed by "[" is
# only the page to open at, anything else is an action.
_PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|AA|EmbeddedFiles?|RichMedia|XFA)" + _PDF_DELIMITER
                         + rb"|/(OpenAction)(?!\s*\[)")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"<<((?:(?!>>\s*stream).){0,2000}?)>>\s*stream\r?\n", re.DOTALL)
_PDF_OTHER_FILTER = re.compile(rb"/(ASCIIHexDecode|ASCII85Decode|LZWDecode|RunLengthDecode|Crypt|DecodeParms)")
_PDF_MAX_INFLATED: Final = 20 * 1024 * 1024  # an object stream larger than this is not a scan's


def max_image_pixels() -> int:
    return settings.UPLOAD_MAX_IMAGE_PIXELS


def pixel_refusal(content: bytes, *, max_pixels: int | None = None) -> str | None:
    """Why an image is too large to draw (more than `max_pixels`, UPLOAD_MAX_IMAGE_PIXELS by default),
    read from its header; None when it is small enough or is no image Pillow knows (other checks say so)."""
    limit = max_pixels or max_image_pixels()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size
    except Image.DecompressionBombError:
        width = height = limit
    except Exception:  # not an image: not this check's to word
        return None
    if width * height <= limit:
        return None
    return _("The image has more than %(megapixels)s million pixels. Send a smaller photo or scan.") % {
        "megapixels": f"{limit / 1e6:g}"}


def image_size(content: bytes) -> tuple[int, int] | None:
    """(width, height) from the image's header, nothing decoded; None when Pillow will not open it
    (not an image, or more than twice Pillow's pixel limit)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                return image.size
    except Exception:  # Pillow raises many kinds for a broken or hostile file (DecompressionBombError too)
        return None


def _pdf_object_streams(content: bytes):
    """The inflated compressed object streams (/Type /ObjStm), where a PDF may hide dictionaries from a
    plain search; None for one that cannot be read here (another filter, encrypted, too large)."""
    for match in _PDF_STREAM.finditer(content):
        dictionary = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), match[1])
        if b"/ObjStm" not in dictionary or b"/Filter" not in dictionary:
            continue  # not an object stream, or one stored plain (the search of the whole file saw it)
        if b"/FlateDecode" not in dictionary or _PDF_OTHER_FILTER.search(dictionary):
            yield None
            continue
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(content[match.end():match.end() + _PDF_MAX_INFLATED], _PDF_MAX_INFLATED)
        except zlib.error:  # encrypted, or not Flate after all
            yield None
            continue
        yield None if inflater.unconsumed_tail else inflated


def pdf_active_content(content: bytes) -> str | None:
    """The first name that makes this PDF act ("JavaScript", "OpenAction", …), or None for a passive one."""
    for part in (content, *_pdf_object_streams(content)):
        if part is None:
            return "ObjStm"
        found = _PDF_ACTIVE.search(_PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), part))
        if found:
            return (found[1] or found[2]).decode()
    return None


def hazard(content: bytes, content_type: str, *, max_pixels: int | None = None) -> str | None:
    """Why a file that is the kind it claims is refused all the same, in words for whoever sent it;
    None when there is nothing against it."""
    if content_type.startswith("image/"):
        problem = pixel_refusal(content, max_pixels=max_pixels)
        if problem:
            return problem
    if content_type == "application/pdf":
        found = pdf_active_content(content)
        if found == "ObjStm":
            return _("This PDF is compressed or encrypted in a way that cannot be checked. Print it to a new "
                     "PDF or scan the paper instead.")
        if found:
            return _("This PDF contains scripts, actions or embedded files (%(what)s), which are not accepted. "
                     "Print it to a new PDF or scan the paper instead.") % {"what": found}
    if _MARKUP.search(content):
        return _("This file has web-page code (HTML or script) hidden inside it.")
    return None


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


# --- For the forms of others (Oscar's product images, Wagtail's images and documents) --------------

WEB_IMAGE_FORMATS: Final = ("JPEG", "PNG", "GIF", "WEBP")
_ZIP_MAGIC: Final = b"PK\x03\x04"


def _content_of(upload: Upload) -> bytes:
    content = read_within(upload, limit=MAX_UPLOAD_BYTES)
    if hasattr(upload, "seek"):
        upload.seek(0)
    if content is None:
        raise ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // 2**20},
                              code="too_large")
    return content


def validate_image(upload: Upload, *, formats: tuple[str, ...] | None = WEB_IMAGE_FORMATS,
                   stored: bool = True) -> None:
    """ValidationError unless the upload is an image of one of `formats` (any Pillow reads: None) within
    the pixel limit and, when it is `stored` to be shown again, without hidden web-page code."""
    content = _content_of(upload)
    problem = pixel_refusal(content)
    if problem:
        raise ValidationError(problem, code="too_many_pixels")
    if formats is not None:
        try:
            with Image.open(io.BytesIO(content)) as image:
                kind = image.format
        except Exception:
            kind = None
        if kind not in formats:
            raise ValidationError(_("This file is not a %(formats)s image (its content was checked, not its name).")
                                  % {"formats": "/".join(formats)}, code="invalid_image")
    if stored and _MARKUP.search(content):
        raise ValidationError(_("This file has web-page code (HTML or script) hidden inside it."), code="markup")


def validate_document(upload: Upload) -> None:
    """ValidationError unless the upload's content is what its extension says: a PDF that passes `hazard`,
    an Office or zip file that is a zip, or text (UTF-8, UTF-16 with its BOM or GB 18030, no NUL) for .csv and .txt."""
    content = _content_of(upload)
    extension = extension_of(getattr(upload, "name", "") or "")
    if extension == "pdf":
        if sniff(content) != "application/pdf":
            raise ValidationError(_("This file is not a PDF (its content was checked, not its name)."),
                                  code="invalid")
        problem = hazard(content, "application/pdf")
    elif extension in ("docx", "xlsx", "odt", "zip"):
        problem = None if content.startswith(_ZIP_MAGIC) else _(
            "This file is not a .%(extension)s file (its content was checked, not its name).") % {
            "extension": extension}
    elif extension in ("csv", "txt"):
        problem = None if _is_text(content) else _("This file is not text.")
    else:
        problem = _("Files of this kind are not accepted.")
    if problem:
        raise ValidationError(problem, code="invalid")


def _is_text(content: bytes) -> bool:
    """Text in an encoding the spreadsheet reader reads (core.spreadsheets.decode_text), with no NUL."""
    try:
        return "\x00" not in decode_text(content)
    except SpreadsheetError:
        return False


class CheckedImageField(forms.ImageField):
    """An ImageField that refuses too many pixels, other formats and hidden web-page code with a
    message of its own, before Pillow's own check turns a decompression bomb into "not an image"."""

    def __init__(self, *, formats: tuple[str, ...] | None = WEB_IMAGE_FORMATS, stored: bool = True, **kwargs):
        self.formats, self.stored = formats, stored
        super().__init__(**kwargs)

    def to_python(self, data):
        if data not in self.empty_values:
            validate_image(data, formats=self.formats, stored=self.stored)
        return super().to_python(data)
