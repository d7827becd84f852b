"""Text that nothing downstream can store is refused with a 400 before any view runs.

PostgreSQL refuses NUL (U+0000) in text and UTF-8 cannot encode a lone surrogate (U+D800–U+DFFF), so
a NUL typed into a search box or a JSON field used to end as a server error deep inside a query. One
middleware looks at everything a view may read as text — the path, the query string, form fields,
the names of uploaded files and JSON bodies (django-ninja parses any body as JSON, and `json.loads`
turns raw surrogate bytes into surrogates) — and answers 400 with a message: our own page, or JSON
under the API. Query strings and form bodies that are not UTF-8 at all (a UTF-8-encoded surrogate,
an overlong NUL) are refused too, rather than silently turned into U+FFFD. Cookies carrying such
text are dropped instead: whoever can plant a cookie must not be able to lock a visitor out.
"""

import json
import logging
import re
from collections.abc import Iterator
from functools import cached_property
from urllib.parse import unquote_to_bytes

from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def unstorable(text: str) -> bool:
    """Whether `text` holds a NUL or a lone surrogate."""
    return bool(_UNSTORABLE.search(text))


def printable_name(name: str) -> str:
    """A field name fit to show back: the offending characters replaced by U+FFFD."""
    return _UNSTORABLE.sub("\ufffd", name)[:100]


def _encoded_text_problems(raw: bytes) -> Iterator[str]:
    """The names in percent-encoded `raw` (a query string, a urlencoded body) whose name or value is
    not UTF-8 or holds unstorable text."""
    for pair in raw.split(b"&"):
        key, _sep, value = (unquote_to_bytes(part.replace(b"+", b" ")) for part in pair.partition(b"="))
        try:
            key_text, value_text = key.decode("utf-8"), value.decode("utf-8")
        except UnicodeDecodeError:
            yield key.decode("utf-8", errors="replace")
            continue
        if unstorable(key_text) or unstorable(value_text):
            yield key_text


def _json_problems(value, where: str = "") -> Iterator[str]:
    if isinstance(value, str):
        if unstorable(value):
            yield where or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            path = f"{where}.{key}" if where else key
            if unstorable(key):
                yield path
            else:
                yield from _json_problems(item, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_problems(item, f"{where}[{index}]" if where else f"[{index}]")


def _body_problems(request: HttpRequest) -> Iterator[str]:
    content_type = request.content_type or ""
    if content_type == "application/x-www-form-urlencoded":
        yield from _encoded_text_problems(request.body)
    elif content_type == "multipart/form-data":
        for key, values in request.POST.lists():
            if unstorable(key) or any(unstorable(value) for value in values):
                yield key
        for key, files in request.FILES.lists():
            if unstorable(key) or any(unstorable(upload.name or "") for upload in files):
                yield key
    elif request.body.lstrip()[:1] in (b"{", b"[", b'"'):
        try:
            document = json.loads(request.body)
        except ValueError:
            return  # not JSON after all: the view answers for its own body
        yield from _json_problems(document)


def problems(request: HttpRequest) -> list[str]:
    """The names of the request's parts that hold unstorable text ("path", "q", "form_data.purpose", …)."""
    found = ["path"] if unstorable(request.path_info) else []
    found += _encoded_text_problems(get_bytes_from_wsgi(request.META, "QUERY_STRING", ""))
    if request.method in _BODY_METHODS:
        found += _body_problems(request)
    return list(dict.fromkeys(printable_name(name) for name in found))


class UnstorableTextMiddleware:
    """Put it first: before the session is looked up by its cookie and before any view reads input."""

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def api_prefix(self) -> str | None:
        try:
            return reverse("api:api-root")
        except NoReverseMatch:
            return None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name in [name for name, value in request.COOKIES.items() if unstorable(name) or unstorable(value)]:
            del request.COOKIES[name]
        found = problems(request)
        if not found:
            return self.get_response(request)
        logger.warning("Refused %s %s: unstorable text in %s", request.method, printable_name(request.path),
                       ", ".join(found))
        with translation.override(translation.get_language_from_request(request)):
            message = _("What you sent contains characters that cannot be processed (such as a NUL "
                        "character or a broken character code). Remove them and try again.")
            if self.api_prefix and request.path_info.startswith(self.api_prefix):
                return JsonResponse({"message": message, "errors": {name: [message] for name in found}},
                                    status=400)
            return HttpResponse(render_to_string("400.html", {"message": message}), status=400)
