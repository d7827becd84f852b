"""Store pages (product lists and product details) from the cache for every visitor, with the few parts
that are personal rendered for each visitor into the shared page.

Why: Oscar's list and detail pages cost tens of queries and a deep template render each (~0.1–0.3 s on a
loaded 2-core box); nearly all of it — products, prices, availability, categories — is the same for
everyone. Only a few *regions* differ per visitor: the mini-basket and the basket total in the menu
(basket), the "your station" line and the account links (signed in, station), the add-to-basket form
(signed in: its form carries their CSRF token), and the recently viewed strip
(history cookie). Those are marked in the templates with `{% store_region "<name>" %}` (shop/regions.py
lists them), stored in their blank form (an anonymous visitor with nothing in the basket), and on a hit
re-rendered for a visitor only when the visitor has what they depend on. A visitor with a basket costs a
cache lookup, the basket's queries and two small templates instead of the whole page.

Which requests: GET/HEAD under the catalogue (not its review forms) with no flash messages waiting; not
staff (they get the "edit this product" link and unpublished products). Only HTTP 200 is kept.

Invalidation by tag (core/page_cache.py): a page depends on the products it shows ("p:<id>", recorded by
the pricing strategy as it prices them, shop/partner/strategy.py), and for lists on their membership ("list", "cat:<id>", "search" for ?q=). shop/cache_signals.py says
what each change invalidates: an order's stock-record change forgets that product's pages and the list
pages that show it, nothing else.

CSRF: cached bodies hold a placeholder instead of the token; every visitor gets their own token (and the
cookie to match) when the page is served. Likewise the CSP nonce (core/csp.py).
"""

from __future__ import annotations

import copy

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from oscar.core.loading import get_class, get_model

from core.page_cache import ALL, PageCache
from shop import regions

STORE_PAGES = PageCache("shop", header="X-Store-Cache", seconds_setting="SHOP_PAGE_CACHE_SECONDS",
                        default_seconds=300)
HEADER = STORE_PAGES.header
store_pages_changed = STORE_PAGES.changed
_TAGS = "_store_cache_tags"


def add_tags(request, *tags: str) -> None:
    """Say that the page being rendered for `request` shows what `tags` stand for."""
    if request is not None and not getattr(request, regions.RENDERING, False):
        request.__dict__.setdefault(_TAGS, set()).update(tags)


def _catalogue_prefix() -> str:
    return reverse("catalogue:index")


def _request_is_cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD") or not getattr(settings, "SHOP_PAGE_CACHE", True):
        return False
    path = request.path
    if not path.startswith(_catalogue_prefix()) or "/reviews/" in path:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_staff:
        return False
    messages = getattr(request, "_messages", None)
    return not (messages is not None and len(messages))


def _blank_request(request):
    """`request` as an anonymous visitor with nothing personal sees it: for storing the regions."""
    Basket = get_model("basket", "Basket")
    blank = copy.copy(request)
    blank.user = AnonymousUser()
    blank.session = {}
    blank.COOKIES = {k: v for k, v in request.COOKIES.items()
                     if k not in (settings.OSCAR_BASKET_COOKIE_OPEN, settings.OSCAR_RECENTLY_VIEWED_COOKIE_NAME)}
    blank.basket = Basket()
    blank.basket.strategy = request.strategy
    return blank


class StorePageCacheMiddleware:
    """Sits after the session, locale, CSRF, auth and messages middleware (it needs their answers), before
    Oscar's basket middleware, which it runs itself around a hit (the regions need the basket)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.with_basket = get_class("basket.middleware", "BasketMiddleware")(self._replay)

    def __call__(self, request):
        if not _request_is_cacheable(request):
            return self.get_response(request)
        key = STORE_PAGES.key(request)
        entry = STORE_PAGES.lookup(key)
        if entry is not None:
            request._store_entry = entry
            response = self.with_basket(request)
        else:
            response = self._render_and_store(request, key)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response

    def _replay(self, request):
        entry = request._store_entry
        body = regions.personalise(request, entry[0], page=entry[3] or {})
        response = STORE_PAGES.replay(request, entry, body)
        product_id = (entry[3] or {}).get("product")
        if product_id:  # what Oscar's view does on every visit (the view did not run)
            regions.remember_viewed(request, response, product_id)
        return response

    def _render_and_store(self, request, key):
        if STORE_PAGES.seconds() <= 0:  # the cache keeps nothing: just render
            return self.get_response(request)
        versions = STORE_PAGES.versions([ALL])  # before rendering: see PageCache.store
        state = regions.visitor_state(request)
        if state:
            regions.expect_blanks(request, state, lambda: _blank_request(request))
        response = self.get_response(request)
        if response.status_code != 200 or response.streaming or not _request_is_cacheable(request):
            return response
        tags = getattr(request, _TAGS, set()) - {ALL}
        body = regions.with_blanks(request, response.content) if state else response.content
        match = getattr(request, "resolver_match", None)
        page = {}
        if match is not None and match.url_name == "detail" and "pk" in match.kwargs:
            page["product"] = int(match.kwargs["pk"])
        STORE_PAGES.store(request, key, response, versions={**versions, **STORE_PAGES.versions(tags)},
                          body=body, meta=page)
        return response
