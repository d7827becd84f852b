"""A corpus of hostile files, generated here rather than committed as binaries.

Each entry is what an attacker (or a careless scanner) may send to an upload field: programs and web
pages renamed as scans, JPEG and PNG files with web-page code inside, images with more pixels than
any memory holds, and PDFs that act when they are opened. `disguised` entries take the name the field
expects (scan.jpg, goods.xlsx, …); the others keep their true extension because that is what they are.
"""

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

from PIL import Image

HTML = b"<!doctype html><html><body><script>alert(document.domain)</script></body></html>"


@dataclass(frozen=True)
class Hostile:
    name: str
    extension: str
    content: bytes
    content_type: str
    disguised: bool = False

    def __str__(self) -> str:
        return self.name


def jpeg(size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 190, 170)).save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def png(size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (220, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with_chunk(kind: bytes, data: bytes) -> bytes:
    """A sound PNG with one more chunk before its end."""
    content = png()
    return content[:-12] + _png_chunk(kind, data) + content[-12:]


def blank_png(width: int, height: int) -> bytes:
    """A 1-bit black PNG of any size, a few kilobytes per hundred megapixels (rows made one at a time)."""
    row = b"\x00" * (1 + (width + 7) // 8)
    deflate = zlib.compressobj(9)
    data = b"".join(deflate.compress(row) for _ in range(height)) + deflate.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b"")


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small JPEG whose frame header claims `width` × `height`."""
    content = bytearray(jpeg())
    start = content.index(b"\xff\xc0")  # SOF0: marker, length, precision, height, width
    content[start + 5:start + 9] = struct.pack(">HH", height, width)
    return bytes(content)


def jpeg_with_comment(text: bytes) -> bytes:
    content = jpeg()
    return content[:2] + b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text + content[2:]


def pdf(*objects: bytes, catalogue_extra: bytes = b"", page_extra: bytes = b"") -> bytes:
    """A one-page PDF with a correct cross-reference table; objects 4… are `objects`."""
    bodies = [b"<< /Type /Catalog /Pages 2 0 R " + catalogue_extra + b">>",
              b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
              b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + page_extra + b">>", *objects]
    out, offsets = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", []
    for number, body in enumerate(bodies, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)


def pdf_with_object_stream(hidden: bytes) -> bytes:
    """A PDF whose link action (object 5) sits only inside a compressed object stream."""
    inner = b"5 0 " + hidden
    packed = zlib.compress(inner)
    stream = (b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed)
              + packed + b"\nendstream")
    return pdf(stream, page_extra=b"/Annots [5 0 R] ")


def a_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ" + b"\x00" * 100)
    return buffer.getvalue()


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run in DOS mode."
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" onload="alert(1)">'
       b"<script>alert(document.cookie)</script><rect width='100' height='100'/></svg>")

CORPUS = [
    Hostile("an executable renamed", "exe", EXE, "image/jpeg", disguised=True),
    Hostile("a Linux program renamed", "elf", b"\x7fELF\x02\x01\x01" + b"\x00" * 120, "image/png", disguised=True),
    Hostile("a web page renamed", "html", HTML, "image/jpeg", disguised=True),
    Hostile("a zip archive renamed", "zip", a_zip(), "application/pdf", disguised=True),
    Hostile("an SVG with script", "svg", SVG, "image/svg+xml"),
    Hostile("an SVG with script renamed", "svg", SVG, "image/png", disguised=True),
    Hostile("a JPEG with HTML in a comment", "jpg", jpeg_with_comment(HTML), "image/jpeg"),
    Hostile("a JPEG with HTML after its end", "jpg", jpeg() + HTML, "image/jpeg"),
    Hostile("a PNG with script in a text chunk", "png", png_with_chunk(b"tEXt", b"Comment\x00" + HTML), "image/png"),
    Hostile("an 81-megapixel PNG", "png", blank_png(9000, 9000), "image/png"),
    Hostile("a 400-megapixel PNG bomb", "png", blank_png(20000, 20000), "image/png"),
    Hostile("a JPEG claiming 65000 x 65000 pixels", "jpg", jpeg_claiming(65000, 65000), "image/jpeg"),
    Hostile("a PDF that runs JavaScript when opened", "pdf", pdf(b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>",
                                                                 catalogue_extra=b"/OpenAction 4 0 R "),
            "application/pdf"),
    Hostile("a PDF that launches a program", "pdf", pdf(catalogue_extra=b"/OpenAction << /S /Launch /F (cmd.exe) >> "),
            "application/pdf"),
    Hostile("a PDF with an embedded file", "pdf", pdf(
        b"<< /Type /Filespec /F (a.exe) /EF << /F 5 0 R >> >>",
        b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream",
        catalogue_extra=b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >> "), "application/pdf"),
    Hostile("a PDF with additional actions", "pdf", pdf(page_extra=b"/AA << /O << /S /URI /URI (https://x.example) >> >> "),
            "application/pdf"),
    Hostile("a PDF with a hex-escaped JavaScript name", "pdf", pdf(
        page_extra=b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /J#61vaScript /J#53 (x) >> >>] "),
        "application/pdf"),
    Hostile("a PDF with JavaScript hidden in an object stream", "pdf", pdf_with_object_stream(
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /JavaScript /JS (app.alert\\(1\\)) >> >>"),
        "application/pdf"),
    Hostile("a PDF with a web page inside", "pdf", pdf(b"(" + HTML + b")"), "application/pdf"),
]

# Files every field of its kind must still take (so that a refusal above is not a field refusing everything).
SOUND_PDF = pdf(catalogue_extra=b"/OpenAction [3 0 R /Fit] ")  # opens at the first page: only a destination
SOUND_PDF_WITH_OBJECT_STREAM = pdf_with_object_stream(b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] "
                                                      b"/A << /S /URI /URI (https://cunzhan.example) >> >>")


def named(name: str) -> bytes:
    """The content of the corpus entry called `name`."""
    [content] = [hostile.content for hostile in CORPUS if hostile.name == name]
    return content
