"""Whole store pages (product lists and product details) for anonymous visitors, emptied whenever
a product, stock record, price, picture, category or merchant changes.

Why: Oscar's list and detail pages cost tens of queries and a deep template render each, and the
detail view writes its view counter on every visit (measured: see benches/); most visitors
are anonymous and see the same page. This middleware answers them from the cache.

Which requests: GET/HEAD under the catalogue (not its review forms), by a visitor who is not signed
in, has no open basket (the header shows it), no remembered station in the session (the header
names it) and no flash messages waiting. Everyone else gets a fresh page. Only HTTP 200 is kept.

Oscar's "recently viewed" strip depends on a per-visitor cookie: for a cacheable request the page is
rendered as for a first visit and the cookie is left as it was (so anonymous visitors do not
build a history on cached pages; signed-in residents keep the feature).

The key holds the language, host, full path and a *generation*; a change to anything the pages
show moves the generation on (`store_pages_changed`, connected in ShopConfig.ready) and old entries
expire unread. A TTL bounds staleness from writes that bypass signals (queryset.update()).

CSRF: cached bodies hold a placeholder instead of the token; every visitor gets their own token
(and the cookie to match) when the page is served. Likewise the CSP nonce (core/csp.py).
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from core.page_cache import PageCache
from shop.selectors.shoppers import SESSION_STATION_KEY

STORE_PAGES = PageCache("shop", header="X-Store-Cache", seconds_setting="SHOP_PAGE_CACHE_SECONDS",
                        default_seconds=300)
HEADER = STORE_PAGES.header
store_pages_changed = STORE_PAGES.changed


def _request_is_cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD") or not getattr(settings, "SHOP_PAGE_CACHE", True):
        return False
    path = request.path
    if not path.startswith(reverse("catalogue:index")) or "/reviews/" in path:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    if request.COOKIES.get(settings.OSCAR_BASKET_COOKIE_OPEN):
        return False
    messages = getattr(request, "_messages", None)
    if messages is not None and len(messages):
        return False
    session = getattr(request, "session", None)
    return not (session is not None and session.get(SESSION_STATION_KEY))


class StorePageCacheMiddleware:
    """Sits after the session, locale, CSRF, auth and messages middleware (it needs their answers)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _request_is_cacheable(request):
            return self.get_response(request)
        key = STORE_PAGES.key(request)
        entry = cache.get(key)
        if entry is not None:
            response = STORE_PAGES.replay(request, entry)
        else:
            history = settings.OSCAR_RECENTLY_VIEWED_COOKIE_NAME
            request.COOKIES.pop(history, None)  # render as for a first visit: no personal strip
            response = self.get_response(request)
            response.cookies.pop(history, None)  # and leave the visitor's own history cookie alone
            if response.status_code == 200 and not response.streaming and not response.cookies:
                STORE_PAGES.store(request, key, response)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response
