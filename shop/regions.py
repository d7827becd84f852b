"""The personal regions of a store page (shop/page_cache.py): what differs from one visitor to the next.

Each region is a small template and what it depends on: "basket" (a basket cookie, or signed in), "user"
(signed in), "station" (a remembered station, or signed in), "history" (the recently-viewed cookie). In a
page, `{% store_region "<name>" [product id] %}` renders it between two HTML comments
(<!--cz:region name arg-->…<!--/cz:region-->). A stored page holds every region as an anonymous visitor
with an empty basket sees it; serving it to someone else re-renders only the regions that depend on
what that visitor has. The region's context is built the same way in both cases (from the request and the
argument), so a spliced page is the page the visitor would have got.

A rendered region is itself cached per visitor (their basket, user, station or history and the product),
with the tags of what it shows: "basket:b<id>"/"basket:u<user id>" (the basket's lines), "offers", the
"p:<id>" of the products in it, "user:<id>" (wish lists, stock alerts, reviews, saved station),
"station:<id>". shop/cache_signals.py invalidates them. So a visitor with a basket whose basket has not
changed costs no query at all on a cached page.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.context_processors import PermWrapper
from django.core.cache import cache
from django.core.signing import BadSignature, Signer
from django.middleware.csrf import get_token
from django.template import Context
from django.template.loader import get_template
from django.utils.functional import lazy
from django.utils.html import escape
from oscar.core.loading import get_class, get_model

RENDERING = "_store_region_rendering"  # set on the request while a region renders (no page tags)
_BLANKS = "_store_region_blanks"  # while a page to be stored renders: its regions as nobody sees them
NEXT = "__store_region_next__"  # the page's own address in a region (links back), put in when served
_REGION = re.compile(rb"<!--cz:region (\w+) ?(\d*)-->(.*?)<!--/cz:region-->", re.S)


@dataclass(frozen=True)
class Region:
    template: str
    depends: frozenset[str]
    context: Callable[..., dict] | None = None  # (request, product_id, page context) -> extra context
    tags: Callable[..., list] | None = None  # (request, product_id, context) -> what the rendering shows


def _product(product_id, page_context):
    product = page_context.get("product") if page_context else None
    if product is not None and product.pk == product_id:
        return product
    Product = get_model("catalogue", "Product")
    return Product.objects.base_queryset().get(pk=product_id)


def _basket_form(request, product_id, page_context):
    return {"product": _product(product_id, page_context)}


@functools.cache
def _history_manager():
    """Oscar's history manager class. Looked up once: get_class tries the forked app's module first, and
    that failed import costs ~0.2 ms on every product page served from the cache."""
    return get_class("customer.history", "CustomerHistoryManager")


def _recently_viewed(request, product_id, page_context):
    history = _history_manager()
    return {"products": [p for p in history.get(request) if p.pk != product_id]}


def _account(request, product_id, page_context):
    from shop.selectors.shoppers import shopper_station_for

    return {"my_station": shopper_station_for(user=request.user, session=request.session), "next_path": NEXT}


def _user_tags(request) -> list[str]:
    return [f"user:{request.user.pk}"] if request.user.is_authenticated else []


def _basket_tags(request, product_id, context) -> list[str]:
    lines = request.basket.all_lines()
    return ["offers", f"basket:{basket_key(request)}", *(f"p:{line.product_id}" for line in lines)]


def _product_user_tags(request, product_id, context) -> list[str]:
    return [f"p:{product_id}", *_user_tags(request)]


def _account_tags(request, product_id, context) -> list[str]:
    station = context.get("my_station")
    return [*_user_tags(request), *([f"station:{station.pk}"] if station else [])]


def _history_tags(request, product_id, context) -> list[str]:
    return [f"p:{product_id}", *(f"p:{p.pk}" for p in context["products"])]


REGIONS = {
    "mini_basket": Region("oscar/partials/mini_basket.html", frozenset({"basket"}), tags=_basket_tags),
    "navbar_basket": Region("shop/regions/navbar_basket.html", frozenset({"basket"}), tags=_basket_tags),
    "account": Region("shop/regions/account.html", frozenset({"user", "station"}), _account, _account_tags),
    "basket_form": Region(
        "shop/regions/basket_form.html", frozenset({"user"}), _basket_form, _product_user_tags
    ),
    "recently_viewed": Region(
        "shop/regions/recently_viewed.html", frozenset({"history"}), _recently_viewed, _history_tags
    ),
}


def basket_key(request) -> str:
    """Whose basket this request shows, without a query: "u<user id>" signed in, "b<basket id>" from the
    basket cookie, "-" none."""
    if request.user.is_authenticated:
        return f"u{request.user.pk}"
    signed = request.COOKIES.get(settings.OSCAR_BASKET_COOKIE_OPEN)
    if signed:
        try:
            return f"b{int(Signer().unsign(signed))}"
        except (BadSignature, ValueError):
            return "-"
    return "-"


def _visitor_key(request, region: Region, product_id) -> str:
    from shop.selectors.shoppers import SESSION_STATION_KEY

    parts = [getattr(request, "LANGUAGE_CODE", ""), str(product_id or "")]
    if "basket" in region.depends:
        parts.append(basket_key(request))
    if region.depends & {"user", "station"}:
        parts.append(f"u{request.user.pk}" if request.user.is_authenticated else "-")
    if "station" in region.depends:
        session = getattr(request, "session", None)
        parts.append(str(session.get(SESSION_STATION_KEY, "")) if session is not None else "")
    if "history" in region.depends:
        parts.append(request.COOKIES.get(settings.OSCAR_RECENTLY_VIEWED_COOKIE_NAME, ""))
    return (
        "shop:region:"
        + hashlib.sha1("|".join(parts).encode()).hexdigest()
        + ":"
        + hashlib.sha1(region.template.encode()).hexdigest()[:8]
    )


def visitor_state(request) -> frozenset[str]:
    """What this visitor has that some region shows: empty for an anonymous visitor with nothing."""
    from shop.selectors.shoppers import SESSION_STATION_KEY

    state = set()
    if request.user.is_authenticated:
        state.update(("basket", "user", "station"))
    else:
        if request.COOKIES.get(settings.OSCAR_BASKET_COOKIE_OPEN):
            state.add("basket")
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_STATION_KEY):
            state.add("station")
    if request.COOKIES.get(settings.OSCAR_RECENTLY_VIEWED_COOKIE_NAME):
        state.add("history")
    return frozenset(state)


def _render_html(request, name: str, product_id, page_context) -> tuple[str, list[str]]:
    region = REGIONS[name]
    context = {
        "request": request,
        "user": request.user,
        "perms": PermWrapper(request.user),
        "csrf_token": lazy(get_token, str)(request),
        "LANGUAGE_CODE": getattr(request, "LANGUAGE_CODE", ""),
    }
    if region.context is not None:
        context.update(region.context(request, product_id, page_context))
    setattr(request, RENDERING, True)
    try:
        html = get_template(region.template).template.render(Context(context, autoescape=True))
        tags = region.tags(request, product_id, context) if region.tags else []
    finally:
        setattr(request, RENDERING, False)
    return html, tags


def _wrap(request, name: str, product_id, html: str) -> str:
    if NEXT in html:
        html = html.replace(NEXT, quote(request.get_full_path(), safe="/"))  # as the urlencode filter
    arg = "" if product_id is None else f" {int(product_id)}"
    return f"<!--cz:region {escape(name)}{arg}-->{html}<!--/cz:region-->"


def render(request, name: str, product_id: int | None = None, *, page_context=None) -> str:
    """The region `name` for this request, between its markers. While a page is rendered to be stored
    (`expect_blanks`), a region that shows what this visitor has is rendered a second time as a visitor
    with nothing sees it, from the same page context, for the stored copy (`with_blanks`)."""
    html, _tags = _render_html(request, name, product_id, page_context)
    blanks = getattr(request, _BLANKS, None)
    if blanks is not None and REGIONS[name].depends & blanks["state"]:
        if "request" not in blanks:
            blanks["request"] = blanks.pop("make")()
        blanks[name, product_id] = _render_html(blanks["request"], name, product_id, page_context)[0]
    return _wrap(request, name, product_id, html)


def expect_blanks(request, state: frozenset[str], make_blank_request: Callable) -> None:
    setattr(request, _BLANKS, {"state": state, "make": make_blank_request})


def _cached_regions(request, wanted: list[tuple[str, int | None]]) -> dict:
    """(name, product id) → this visitor's region HTML from the region cache, where still current."""
    from shop.page_cache import STORE_PAGES

    keys = {_visitor_key(request, REGIONS[name], pid): (name, pid) for name, pid in wanted}
    found = cache.get_many(keys)
    if not found:
        return {}
    tag_keys = {STORE_PAGES.tag_key(tag) for _html, versions in found.values() for tag in versions}
    current = cache.get_many(tag_keys)
    return {
        keys[key]: html
        for key, (html, versions) in found.items()
        if all(current.get(STORE_PAGES.tag_key(tag)) == v for tag, v in versions.items())
    }


def _render_and_keep(request, name: str, product_id) -> str:
    from core.page_cache import ALL
    from shop.page_cache import STORE_PAGES

    before = STORE_PAGES.versions([ALL])
    html, tags = _render_html(request, name, product_id, None)
    # Kept with the CSRF placeholder, as the page is (the token changes at sign-in): the served page gets
    # the visitor's current token put back (PageCache.personal_body).
    html = STORE_PAGES.without_csrf_token(html)
    versions = {**before, **STORE_PAGES.versions(set(tags) - {ALL})}
    cache.set(
        _visitor_key(request, REGIONS[name], product_id), (html, versions), timeout=STORE_PAGES.seconds()
    )
    return html


def _splice(request, body: bytes, wanted: Callable[[Region], bool], *, keep: bool) -> bytes:
    """`body` with the wanted regions rendered for `request` (from the region cache when `keep`)."""
    matches = [
        m
        for m in _REGION.finditer(body)
        if m.group(1).decode() in REGIONS and wanted(REGIONS[m.group(1).decode()])
    ]
    if not matches:
        return body
    todo = list(
        dict.fromkeys((m.group(1).decode(), int(m.group(2)) if m.group(2) else None) for m in matches)
    )
    done = _cached_regions(request, todo) if keep else {}
    for name, pid in todo:
        if (name, pid) not in done:
            done[name, pid] = (
                _render_and_keep(request, name, pid) if keep else _render_html(request, name, pid, None)[0]
            )
    out, at = [], 0
    for m in matches:
        name, pid = m.group(1).decode(), int(m.group(2)) if m.group(2) else None
        out += [body[at : m.start()], _wrap(request, name, pid, done[name, pid]).encode()]
        at = m.end()
    out.append(body[at:])
    return b"".join(out)


def personalise(request, body: bytes, *, page: dict) -> bytes:
    """A stored page for this visitor: the regions that depend on what the visitor has, re-rendered."""
    state = visitor_state(request)
    if not state:
        return body
    return _splice(request, body, lambda region: bool(region.depends & state), keep=True)


def with_blanks(request, body: bytes) -> bytes:
    """A page rendered for someone with a basket, a station … as an anonymous visitor with nothing
    would have got it: the regions that show what they have, as `render` rendered them blank."""
    blanks = getattr(request, _BLANKS)
    state = blanks["state"]

    def replace(match):
        name, pid = match.group(1).decode(), int(match.group(2)) if match.group(2) else None
        region = REGIONS.get(name)
        if region is None or not region.depends & state:
            return match.group(0)
        if (name, pid) not in blanks:  # not rendered through the tag: render it now, without the page
            if "request" not in blanks:
                blanks["request"] = blanks.pop("make")()
            blanks[name, pid] = _render_html(blanks["request"], name, pid, None)[0]
        return _wrap(blanks["request"], name, pid, blanks[name, pid]).encode()

    return _REGION.sub(replace, body)


def remember_viewed(request, response, product_id: int) -> None:
    """Oscar's history cookie, as its product view would have updated it."""
    history = _history_manager()

    class Viewed:
        id = product_id

    history.update(Viewed, request, response)
