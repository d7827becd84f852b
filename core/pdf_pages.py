"""PDF pages as pictures, drawn on the server by poppler (pdfinfo, pdftoppm; scripts/install-system-deps.sh).

Why on the server: a station's PC is weak and its link slow; a JPEG of one page at the viewer's width is a
fraction of a scanned PDF and needs no PDF engine in the browser. The PDF goes to poppler through a pipe
and the picture comes back through one: a scan is decrypted in memory only (core/storage.py) and no plain
copy ever touches the disk. Drawn pages are cached sealed with the files' master key (core/file_crypto.py),
so the cache (Redis may save to disk) holds nothing readable either.
"""

from __future__ import annotations

import re
import subprocess

from django.core.cache import cache

from core import file_crypto
from core.storage import current_key_id, master_keys

PAGE_WIDTHS = {"thumb": 192, "view": 1400}
MAX_PAGES = 500  # a scan longer than this is not a scan; it is refused rather than paged
_TIMEOUT = 30
_CACHE_SECONDS = 7 * 24 * 3600
_PAGES_LINE = re.compile(rb"^Pages:\s+(\d+)\s*$", re.MULTILINE)


class PdfPageError(ValueError):
    """The PDF cannot be read or drawn (damaged, encrypted with a password, too long, a page out of range)."""


def _run(args: list[str], data: bytes) -> bytes:
    try:
        done = subprocess.run(args, input=data, capture_output=True, timeout=_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PdfPageError(f"{args[0]} failed: {error}") from error
    if done.returncode != 0 or not done.stdout:
        raise PdfPageError(f"{args[0]} exited {done.returncode}: {done.stderr[:200]!r}")
    return done.stdout


def pdf_page_count(data: bytes) -> int:
    """The number of pages of a PDF given as bytes."""
    found = _PAGES_LINE.search(_run(["pdfinfo", "-"], data))
    pages = int(found.group(1)) if found else 0
    if not 0 < pages <= MAX_PAGES:
        raise PdfPageError(f"the PDF has {pages} pages")
    return pages


def pdf_page_jpeg(data: bytes, *, page: int, width: int) -> bytes:
    """Page `page` (from 1) of a PDF as a JPEG `width` pixels wide."""
    return _run(["pdftoppm", "-jpeg", "-jpegopt", "quality=80", "-f", str(page), "-l", str(page),
                 "-scale-to-x", str(width), "-scale-to-y", "-1", "-singlefile", "-"], data)


def _read(file) -> bytes:
    # The storage each time (decrypted in memory): a FieldFile once closed cannot be opened again.
    with file.storage.open(file.name, "rb") as handle:
        return handle.read()


def _cache_key(kind: str, name: str, *parts) -> str:
    return ":".join(["pdf-pages", "v1", kind, name, *map(str, parts)])


def stored_pdf_page_count(file) -> int:
    """The page count of a stored private PDF (a FieldFile), cached by its storage name (a stored file is
    never rewritten under the same name)."""
    key = _cache_key("count", file.name)
    pages = cache.get(key)
    if pages is None:
        pages = pdf_page_count(_read(file))
        cache.set(key, pages, _CACHE_SECONDS)
    return pages


def stored_pdf_page_jpeg(file, *, page: int, size: str) -> bytes:
    """One page of a stored private PDF as a JPEG at a named size (PAGE_WIDTHS), from the sealed cache or
    drawn now. PdfPageError when the page is not in the PDF."""
    if not 1 <= page <= stored_pdf_page_count(file):
        raise PdfPageError(f"no page {page}")
    key = _cache_key("page", file.name, page, size)
    keys = master_keys()
    sealed = cache.get(key)
    if sealed is not None:
        try:
            return file_crypto.decrypt(sealed, keys=keys)
        except file_crypto.FileKeyError:
            pass  # sealed under a master key since retired: draw it again
    picture = pdf_page_jpeg(_read(file), page=page, width=PAGE_WIDTHS[size])
    cache.set(key, file_crypto.encrypt(picture, keys=keys, key_id=current_key_id()), _CACHE_SECONDS)
    return picture
