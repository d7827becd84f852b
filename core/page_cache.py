"""Whole-page cache for the public site, emptied whenever anything it shows changes.

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

GENERATION_KEY = "portal:pages:generation"
CSRF_PLACEHOLDER = b"__portal_csrf_token__"
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+(")')
_MARK = "_portal_cacheable"


def cache_seconds() -> int:
    return getattr(settings, "PORTAL_PAGE_CACHE_SECONDS", 600)


def mark_cacheable(response):
    """Let the middleware keep this response for anonymous visitors. Returns the response."""
    setattr(response, _MARK, True)
    return response


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = time.time_ns()
        cache.add(GENERATION_KEY, value, timeout=None)
        value = cache.get(GENERATION_KEY, value)
    return value


def pages_changed(**kwargs) -> None:
    """Forget every cached page (a signal receiver, hence **kwargs). A fresh number rather than
    +1, so that a cache that lost the key never returns to a number old entries were stored under."""
    cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def _key(request) -> str:
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    path = hashlib.sha1(request.get_full_path().encode()).hexdigest()
    return f"portal:page:{generation()}:{language}:{request.get_host()}:{path}"


def _request_is_cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    messages = getattr(request, "_messages", None)
    return not (messages is not None and len(messages))


def _store(request, response) -> None:
    body = _CSRF_INPUT.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", nonce_to_placeholder(request, response.content))
    entry = (body, response.get("Content-Type", "text/html; charset=utf-8"))
    cache.set(_key(request), entry, timeout=cache_seconds())


def _replay(request, entry) -> HttpResponse:
    body, content_type = entry
    if CSRF_PLACEHOLDER in body:
        body = body.replace(CSRF_PLACEHOLDER, get_token(request).encode())
    body = placeholder_to_nonce(request, body)
    response = HttpResponse(body, content_type=content_type)
    response["X-Portal-Cache"] = "hit"
    return response


class PageCacheMiddleware:
    """Serve and keep whole public pages. Sits after the session, locale, CSRF, auth and messages
    middleware (it needs their answers) and after clickjacking (whose header a hit still gets)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _request_is_cacheable(request):
            return self.get_response(request)
        entry = cache.get(_key(request))
        if entry is not None:
            response = _replay(request, entry)
        else:
            response = self.get_response(request)
            if (getattr(response, _MARK, False) and response.status_code == 200
                    and not response.streaming and not response.cookies and _request_is_cacheable(request)):
                _store(request, response)
                response["X-Portal-Cache"] = "miss"
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response
