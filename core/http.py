"""Small HTTP helpers shared by every app's views.

Whole numbers from a request: only plain ASCII digits count (`str.isdigit` also accepts "²", which
`int()` then refuses with a server error), within the range of a database id unless told otherwise.
An optional filter ignores a bad value; a value the view cannot do without is a 400 whose message
the visitor sees.

Files: every file the site hands out goes through `user_file_response` (what people uploaded: scans,
licences, signatures, seals) or `site_file_response` (what the site made: certificates, receipts,
statements, exports). Both send a safe file name, `nosniff` and `private, no-store`. A user's file is
typed by its bytes, never by what was stored about it, is a download (`attachment`) in a sandbox
(`Content-Security-Policy: sandbox; default-src 'none'`), and is shown in the browser only when a page
asks for a preview and the bytes are a JPEG or PNG that passes core.uploads' checks again at serving
time (older files were stored before some of those checks existed). The site's own PDFs may open in
the browser: a sandbox would stop the browser's PDF viewer.

Where to go after a form (`safe_next`): the `next` the page carried, only when it is an address on this
site, so that a crafted link never sends anyone elsewhere.

The client's address (`client_address`) is the one function that rate limits, sign-in lock-outs and
the audit trail ask. Behind the TLS terminator every request arrives from the proxy, which appends the address it saw to
X-Forwarded-For. That header is believed only when the request comes from a proxy named in
TRUSTED_PROXIES, and it is read from the right: each hop that is itself a trusted proxy is skipped,
and the first one that is not is the client. Everything further left was written by the client and
may be forged. (django-ipware reads the header whoever sends it, so a visitor could pick their own
address and slip past every limit; hence these few lines of our own.)
"""

import io
import ipaddress
import re
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from core import uploads

MAX_ID = 2**63 - 1  # the largest value of a BigAutoField
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,19}")


class InvalidParameter(BadRequest):
    """A query or form value the page cannot work with; its message is shown on the 400 page."""


def safe_next(request: HttpRequest, value: str | None) -> str:
    """`value` (a `next` parameter) when it is an address on this site, else ""."""
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()):
        return value
    return ""


def int_or_none(value, *, low: int = 1, high: int = MAX_ID) -> int | None:
    """`value` as an int when it is a plain whole number from `low` to `high`; None otherwise."""
    text = value.strip() if isinstance(value, str) else ""
    if not _WHOLE_NUMBER.fullmatch(text):
        return None
    number = int(text)
    return number if low <= number <= high else None


def required_int(params, name: str, *, low: int = 1, high: int = MAX_ID) -> int:
    """`params[name]` (a QueryDict) as an int from `low` to `high`; InvalidParameter (a 400) otherwise."""
    number = int_or_none(params.get(name), low=low, high=high)
    if number is None:
        raise InvalidParameter(_("“%(name)s” is not a valid number here.") % {"name": name})
    return number


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponseBadRequest:
    """handler400: our 400 page; it says what was wrong only for our own InvalidParameter (other
    SuspiciousOperation messages are for the log, not the visitor)."""
    message = str(exception) if isinstance(exception, InvalidParameter) else ""
    return HttpResponseBadRequest(render_to_string("400.html", {"message": message}))


# --- Files -------------------------------------------------------------------------------------------

SANDBOX = "sandbox; default-src 'none'"
# The browser's own image viewer centres the picture with inline style and shows it as an image.
IMAGE_PREVIEW_SANDBOX = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
_PREVIEWABLE = ("image/jpeg", "image/png")
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f"*:<>?|\\/]+')


def safe_filename(name: str, *, extension: str | None = None) -> str:
    """A name fit for a download: no folders, no control or reserved characters, not hidden, at most
    100 characters before the extension, and ending in `extension` (when given) whatever it said before."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = _UNSAFE_IN_NAME.sub("_", base).strip(" .") or "file"
    stem, dot, old = base.rpartition(".")
    if not dot:
        stem, old = base, ""
    stem = stem[:100] or "file"
    final = extension if extension is not None else old[:10]
    return f"{stem}.{final}" if final else stem


def _with_headers(response: HttpResponse | FileResponse, *, policy: str | None):
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if policy:
        response["Content-Security-Policy"] = policy
    return response


def user_file_response(file, *, filename: str, preview: bool = False) -> FileResponse:
    """A file someone uploaded (a FieldFile), as a download; with `preview`, shown in the browser when it is
    a JPEG or PNG that passes the upload checks. 404 when the file is missing from storage."""
    try:
        with file.open("rb") as handle:
            content = handle.read()
    except (FileNotFoundError, ValueError) as missing:
        raise Http404(_("The file is missing from storage.")) from missing
    content_type = uploads.sniff(content)
    inline = preview and content_type in _PREVIEWABLE and uploads.hazard(content, content_type) is None
    extension = uploads.canonical_extension(content_type) if content_type else "bin"
    response = FileResponse(io.BytesIO(content), as_attachment=not inline,
                            filename=safe_filename(filename, extension=extension),
                            content_type=content_type or "application/octet-stream")
    return _with_headers(response, policy=IMAGE_PREVIEW_SANDBOX if inline else SANDBOX)


def private_image_response(content: bytes, *, content_type: str) -> HttpResponse:
    """A picture the site drew from a private file (a PDF scan's page): inline, never cached by the browser."""
    return _with_headers(HttpResponse(content, content_type=content_type), policy=IMAGE_PREVIEW_SANDBOX)


def site_file_response(source, *, filename: str, content_type: str,
                       inline: bool = False) -> HttpResponse | FileResponse:
    """A file the site made (bytes, or a stored FieldFile streamed), as a download or, `inline`, opened in
    the browser."""
    name = safe_filename(filename)
    if isinstance(source, bytes):
        response = HttpResponse(source, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(not inline, name)
    else:
        try:
            handle = source.open("rb")
        except (FileNotFoundError, ValueError) as missing:
            raise Http404(_("The file is missing from storage.")) from missing
        response = FileResponse(handle, as_attachment=not inline, filename=name, content_type=content_type)
    return _with_headers(response, policy=None if inline else SANDBOX)


# --- The client's address -------------------------------------------------------------------------

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=4)
def _trusted(proxies: tuple[str, ...]) -> tuple[_Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted(address: str, trusted: tuple[_Network, ...]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in trusted)


def client_address(request) -> str:
    """The address of the person (or machine) at the other end, as a string ("" when unknown)."""
    peer = request.META.get("REMOTE_ADDR", "") or ""
    trusted = _trusted(tuple(settings.TRUSTED_PROXIES))
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:  # not written by a proxy of ours: stop believing the header here
            return peer
        if not _is_trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer  # proxies all the way: the earliest one is the closest we know


def ratelimit_ip(request) -> str:
    """django-ratelimit's RATELIMIT_IP_META_KEY: key="ip" counts by client_address."""
    return client_address(request) or "0.0.0.0"
