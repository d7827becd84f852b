"""Whole-page caches (`PageCache`): the public site's here, the store's in shop/page_cache.py.

The public site's is emptied whenever anything it shows changes.

Why: an uncached Wagtail page spends most of its time in site and page routing, not rendering
(measured: see benches/), so fragment caching barely helps. This middleware answers a cached
page before URL resolution, Wagtail routing or any database query, at close to bare-Django speed.

What is cached: only responses a view marks with `mark_cacheable()` (the portal's page models do it in
`serve()`, and so do the public site's own views: the station directory, the sitemap, the performance
figures), only for GET/HEAD by an anonymous visitor with no flash messages waiting, only HTTP 200.
Signed-in people (editors, staff) always get a fresh page, with the Wagtail user bar. Private pages
(view restrictions) are never marked.

The key holds the language, host and full path (query string included) and a *generation* number.
Publishing, unpublishing, moving or deleting a page, editing a life event, and any change to the
catalogue items, departments or stations a page shows from other apps, moves the generation on
(`pages_changed`, connected in portal/signals.py); the old entries are simply never read again and
expire. A TTL bounds staleness from writes that bypass signals (bulk updates) and of the "most used
services" figures.

CSRF: the page frame has forms (language switch). The token in a cached body is replaced with a
placeholder when stored and with the visitor's own token when served, so every visitor gets a valid
token and the CSRF cookie to match. Likewise the CSP nonce (core/csp.py).
"""

from __future__ import annotations

import hashlib
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers

from core.csp import nonce_to_placeholder, placeholder_to_nonce

_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+(")')
_MARK = "_portal_cacheable"


class PageCache:
    """One named whole-page cache: its generation, keys, and the storing and replaying of a body with the
    visitor's own CSRF token and CSP nonce put back. The public site's and the store's are two of these;
    each middleware decides which requests and responses it keeps."""

    def __init__(self, name: str, *, header: str, seconds_setting: str, default_seconds: int):
        self.name = name
        self.header = header
        self.seconds_setting = seconds_setting
        self.default_seconds = default_seconds
        self.generation_key = f"{name}:pages:generation"
        self.csrf_placeholder = f"__{name}_csrf_token__".encode()

    def seconds(self) -> int:
        return getattr(settings, self.seconds_setting, self.default_seconds)

    def generation(self) -> int:
        value = cache.get(self.generation_key)
        if value is None:
            value = time.time_ns()
            cache.add(self.generation_key, value, timeout=None)
            value = cache.get(self.generation_key, value)
        return value

    def changed(self, **kwargs) -> None:
        """Forget every cached page (a signal receiver, hence **kwargs). A fresh number rather than +1, so
        that a cache that lost the key never returns to a number old entries were stored under."""
        cache.set(self.generation_key, time.time_ns(), timeout=None)

    def key(self, request) -> str:
        language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
        path = hashlib.sha1(request.get_full_path().encode()).hexdigest()
        return f"{self.name}:page:{self.generation()}:{language}:{request.get_host()}:{path}"

    def store(self, request, key: str, response) -> None:
        body = _CSRF_INPUT.sub(rb"\1" + self.csrf_placeholder + rb"\2",
                               nonce_to_placeholder(request, response.content))
        cache.set(key, (body, response.get("Content-Type", "text/html; charset=utf-8")), timeout=self.seconds())
        response[self.header] = "miss"

    def replay(self, request, entry) -> HttpResponse:
        body, content_type = entry
        if self.csrf_placeholder in body:
            body = body.replace(self.csrf_placeholder, get_token(request).encode())
        response = HttpResponse(placeholder_to_nonce(request, body), content_type=content_type)
        response[self.header] = "hit"
        return response


PUBLIC_PAGES = PageCache("portal", header="X-Portal-Cache", seconds_setting="PORTAL_PAGE_CACHE_SECONDS",
                         default_seconds=600)
generation = PUBLIC_PAGES.generation
pages_changed = PUBLIC_PAGES.changed


def mark_cacheable(response):
    """Let the middleware keep this response for anonymous visitors. Returns the response."""
    setattr(response, _MARK, True)
    return response


def _request_is_cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    messages = getattr(request, "_messages", None)
    return not (messages is not None and len(messages))


class PageCacheMiddleware:
    """Serve and keep whole public pages. Sits after the session, locale, CSRF, auth and messages
    middleware (it needs their answers) and after clickjacking (whose header a hit still gets)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _request_is_cacheable(request):
            return self.get_response(request)
        key = PUBLIC_PAGES.key(request)
        entry = cache.get(key)
        if entry is not None:
            response = PUBLIC_PAGES.replay(request, entry)
        else:
            response = self.get_response(request)
            if (getattr(response, _MARK, False) and response.status_code == 200
                    and not response.streaming and not response.cookies and _request_is_cacheable(request)):
                PUBLIC_PAGES.store(request, key, response)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response
