"""Whole-page caches (`PageCache`): the public site's here, the store's in shop/page_cache.py.

The public site's forgets a page when something it shows changes, and only that page.

Why: an uncached Wagtail page spends most of its time in site and page routing, not rendering
(measured: see benches/), so fragment caching barely helps. This middleware answers a cached
page before URL resolution, Wagtail routing or any database query, at close to bare-Django speed.

What is cached: only responses a view marks with `mark_cacheable()` (the portal's page models do it in
`serve()`, and so do the public site's own views: the station directory, the sitemap, the performance
figures), only for GET/HEAD by an anonymous visitor with no flash messages waiting, only HTTP 200.
Signed-in people (editors, staff) always get a fresh page, with the Wagtail user bar. Private pages
(view restrictions) are never marked.

The key holds the language, host and full path (query string included). Each entry carries the
versions of the *tags* it depends on: `mark_cacheable(response, tags=…)` names them ("stations:<township
code>", "item:<id>", "guides" …, see portal/signals.py for what each change invalidates), and every entry
depends on ALL too. A hit checks the versions with one `get_many`; a change moves its tags' versions on
(`PUBLIC_PAGES.invalidate(...)`, at once and again on commit) and the entries that depended on them are
misses from then on and expire unread. So a station saved in one county forgets the unfiltered
directory and its own township's, not another county's pages. Publishing, unpublishing, moving or
deleting a Wagtail page, or editing a life event, still forgets everything (`pages_changed`): the site's
frame and lists show pages everywhere. A TTL bounds staleness from writes that bypass signals (bulk
updates) and of the "most used services" figures.

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
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers

from core.csp import nonce_to_placeholder, placeholder_to_nonce

_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+(")')
_MARK = "_portal_cacheable"
_TAGS = "_portal_cache_tags"
ALL = "*"  # the tag every entry depends on: `changed()` forgets everything


class PageCache:
    """One named whole-page cache: its tags' versions, keys, and the storing and replaying of a body with
    the visitor's own CSRF token and CSP nonce put back. The public site's and the store's are two of
    these; each middleware decides which requests and responses it keeps.

    Invalidation by tag: an entry is stored with the version of every tag it depends on ("stations:…",
    "p:42" …, and always the cache-wide tag ALL); `invalidate(*tags)` gives those tags a fresh version,
    and an entry whose versions no longer match is a miss. Checking costs one `get_many` per hit."""

    def __init__(self, name: str, *, header: str, seconds_setting: str, default_seconds: int):
        self.name = name
        self.header = header
        self.seconds_setting = seconds_setting
        self.default_seconds = default_seconds
        self.generation_key = self.tag_key(ALL)
        self.csrf_placeholder = f"__{name}_csrf_token__".encode()

    def seconds(self) -> int:
        return getattr(settings, self.seconds_setting, self.default_seconds)

    def tag_key(self, tag: str) -> str:
        return f"{self.name}:tag:{tag}"

    def versions(self, tags) -> dict[str, int]:
        """The current version of each tag (a tag never seen, or evicted, gets a fresh one)."""
        keys = {self.tag_key(tag): tag for tag in tags}
        found = cache.get_many(keys)
        missing = {key: time.time_ns() for key in keys if key not in found}
        if missing:
            for key, value in missing.items():
                if not cache.add(key, value, timeout=None):
                    missing[key] = cache.get(key, value)  # another process made it first
            found.update(missing)
        return {keys[key]: value for key, value in found.items()}

    def generation(self) -> int:
        """The version of the cache-wide tag: moves on with `changed()`."""
        return self.versions([ALL])[ALL]

    def invalidate(self, *tags: str) -> None:
        """Forget every page that depends on one of `tags`. A fresh number rather than +1, so that a cache
        that lost the key never returns to a number old entries were stored under. Called at once and
        again when the transaction commits: a page rendered in between from the old rows is not kept."""
        if not tags:
            return
        self._bump(tags)
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(lambda: self._bump(tags))

    def _bump(self, tags) -> None:
        now = time.time_ns()
        cache.set_many({self.tag_key(tag): now + i for i, tag in enumerate(tags)}, timeout=None)

    def changed(self, **kwargs) -> None:
        """Forget every cached page (usable as a signal receiver, hence **kwargs)."""
        self.invalidate(ALL)

    def key(self, request) -> str:
        language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
        path = hashlib.sha1(request.get_full_path().encode()).hexdigest()
        return f"{self.name}:page:{language}:{request.get_host()}:{path}"

    def lookup(self, key: str):
        """The stored entry for `key` if every tag it depends on is still at the version it was stored
        with, else None."""
        entry = cache.get(key)
        if entry is None:
            return None
        stored = entry[2]
        current = cache.get_many([self.tag_key(tag) for tag in stored])
        if any(current.get(self.tag_key(tag)) != version for tag, version in stored.items()):
            return None
        return entry

    def store(self, request, key: str, response, *, versions: dict[str, int], body: bytes | None = None,
              meta=None) -> None:
        """Keep `body` (the response's own by default) under `key` with the tag `versions` read before the
        page was rendered (so that a change during the rendering makes the entry stale, not current)."""
        body = _CSRF_INPUT.sub(rb"\1" + self.csrf_placeholder + rb"\2",
                               nonce_to_placeholder(request, response.content if body is None else body))
        cache.set(key, (body, response.get("Content-Type", "text/html; charset=utf-8"), versions, meta),
                  timeout=self.seconds())
        response[self.header] = "miss"

    def without_csrf_token(self, html: str) -> str:
        """`html` with the token of its forms replaced by the placeholder that `personal_body` fills."""
        return _CSRF_INPUT.sub(rb"\1" + self.csrf_placeholder + rb"\2", html.encode()).decode()

    def personal_body(self, request, body: bytes) -> bytes:
        """A stored body with this visitor's CSRF token and CSP nonce."""
        if self.csrf_placeholder in body:
            body = body.replace(self.csrf_placeholder, get_token(request).encode())
        return placeholder_to_nonce(request, body)

    def replay(self, request, entry, body: bytes | None = None) -> HttpResponse:
        response = HttpResponse(self.personal_body(request, entry[0] if body is None else body),
                                content_type=entry[1])
        response[self.header] = "hit"
        return response


PUBLIC_PAGES = PageCache("portal", header="X-Portal-Cache", seconds_setting="PORTAL_PAGE_CACHE_SECONDS",
                         default_seconds=600)
generation = PUBLIC_PAGES.generation
pages_changed = PUBLIC_PAGES.changed


def mark_cacheable(response, tags=()):
    """Let the middleware keep this response for anonymous visitors, to be forgotten when one of `tags`
    (or ALL) is invalidated. Returns the response."""
    setattr(response, _MARK, True)
    setattr(response, _TAGS, (*getattr(response, _TAGS, ()), *tags))
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
        entry = PUBLIC_PAGES.lookup(key)
        if entry is not None:
            response = PUBLIC_PAGES.replay(request, entry)
        else:
            versions = PUBLIC_PAGES.versions([ALL])  # before rendering: see PageCache.store
            response = self.get_response(request)
            if (getattr(response, _MARK, False) and response.status_code == 200
                    and not response.streaming and not response.cookies and _request_is_cacheable(request)):
                tags = set(getattr(response, _TAGS, ())) - {ALL}
                PUBLIC_PAGES.store(request, key, response, versions={**versions, **PUBLIC_PAGES.versions(tags)})
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response
