"""What a resident's phone downloads for each store page, and how long it takes on a village link.

Pages: the store's home, a category list, a search, a product, the basket, the checkout's first step
and "my orders", each as the demo merchants' catalogue and a signed-in resident with one line in the
basket and one order (a parcel waiting at their station) see them.

How: headless Chromium (Playwright with Debian's chromium, as the e2e journeys) at a 375 × 812 phone
viewport, a cold cache per load, the network throttled through CDP (Network.emulateNetworkConditions:
400 kbit/s down, 300 ms latency). Figures: bytes received for the page and everything it loads (CDP's
encodedDataLength: compressed bodies and headers) once the network is idle, and the time to the load
event. Any request to another host (a CDN leak) is refused and counted, also when the page's
Content-Security-Policy stopped it first. Each page is loaded once
unthrottled first (thumbnails made, store cache filled), then `--repeat` times measured (medians).

Servers: gunicorn (one sync worker: the figures are one visitor's, and the warm-up load then warms the
process the measured load hits — jieba's dictionary for the search, thumbnails) with DEBUG off, HTML gzip-compressed and the static files' .gz copies
served by WhiteNoise (benches/store_front/), on var/bench/store.sqlite3 (benches/store_pages.py seeds it).
Baseline, in the same run: the same views and data behind Oscar's stock store-front templates
(benches/store_front/stock_settings.py) — the store residents got before our own templates. Oscar has
no page for the checkout's first step (ours, shop/checkout_fulfilment.html), so that row compares ours with
ours.
Goals: every page ≤ 60 KB and < 3 s; our pages load no jQuery, Bootstrap, Oscar CSS or web font.
"""

from __future__ import annotations

import json
import statistics
import time

from benches.harness import VAR, Context, Row, gunicorn, manage, migrated_sqlite, progress
from benches.store_pages import ours_env as store_env
from benches.store_pages import seeded_store

KBIT = 1000 / 8  # bytes per second per kbit/s
THROTTLE = {
    "offline": False,
    "latency": 300,
    "downloadThroughput": 400 * KBIT,
    "uploadThroughput": 400 * KBIT,
}
GOAL_KB, GOAL_S = 60, 3.0
HEAVY = ("jquery", "bootstrap", "/oscar/css/", "fontawesome", "font-awesome", ".woff", ".ttf", ".eot")

# The resident of benches/store_pages.py (bench-resident) gets a station, and one order whose parcel
# waits there; prints the paths of a category list and "my orders".
RESIDENT_ORDER = """
from oscar.core.loading import get_model
from accounts.models import User
from demo.seeding.shop import _place
from shop.models import OrderPart
from shop.selectors.shoppers import pickup_stations
from shop.services.shoppers import shopper_station_remember

Category = get_model("catalogue", "Category")
user = User.objects.get(username="bench-resident")
station = pickup_stations().order_by("code").first()
shopper_station_remember(user=user, session={}, station=station)
if not user.orders.exists():
    user.full_name, user.phone = "刘桂兰", "13935000001"
    user.save()
    order = _place(user, station, [0], "pickup", 0)
    OrderPart.objects.filter(order=order).update(status=OrderPart.Status.READY, pickup_code="123456")
print(Category.get_root_nodes().filter(is_public=True).order_by("path").first().get_absolute_url())
"""


def _env(settings: str) -> dict[str, str]:
    return {**store_env(), "DJANGO_SETTINGS_MODULE": settings}


def _prepare() -> tuple[dict[str, str], dict[str, str]]:
    """The pages' paths and the resident's cookies; static files collected with their .gz copies."""
    migrated_sqlite("store.sqlite3", store_env())
    product_path, cookies = seeded_store()
    result = manage("shell", "-c", RESIDENT_ORDER, env=store_env(), check=False)
    if result.returncode != 0:
        raise RuntimeError(f"making the resident's order failed:\n{result.stdout}\n{result.stderr}")
    category_path = result.stdout.strip().splitlines()[-1]
    progress("collecting static files with their gzip copies into var/bench/static…")
    manage("collectstatic", "--no-input", "-v0", env=_env("benches.store_front.settings"))
    pages = {
        "home": "/shop/catalogue/",
        "list": category_path,
        "search": "/shop/search/?q=鸡蛋",
        "product": product_path,
        "basket": "/shop/basket/",
        "checkout": "/shop/checkout/",
        "my orders": "/shop/accounts/orders/",
    }
    return pages, cookies


def _browser(playwright):
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def _load(browser, base: str, path: str, session_cookie: str, *, throttled: bool) -> dict:
    """One cold load of `path`: bytes received, seconds to the load event, requests, foreign hosts."""
    name, value = session_cookie.split("=", 1)
    context = browser.new_context(
        viewport={"width": 375, "height": 812},
        device_scale_factor=1,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    context.add_cookies([{"name": name, "value": value, "url": base}])
    foreign: list[str] = []

    def refuse(route):
        foreign.append(route.request.url)
        route.abort()

    context.route(lambda url: not url.startswith(base), refuse)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    if throttled:
        cdp.send("Network.emulateNetworkConditions", THROTTLE)
    received: dict[str, float] = {}
    urls: dict[str, str] = {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: received.__setitem__(e["requestId"], e["encodedDataLength"]))
    try:
        started = time.monotonic()
        response = page.goto(base + path, wait_until="load", timeout=120_000)
        seconds = time.monotonic() - started
        if response is None or response.status != 200:
            raise RuntimeError(
                f"{path}: HTTP {response.status if response else '—'}; not measuring an error page"
            )
        page.wait_for_load_state("networkidle", timeout=120_000)
        heavy = sorted({u for u in urls.values() if any(h in u.lower() for h in HEAVY)})
        foreign += sorted(
            {u for u in urls.values() if not u.startswith((base, "data:")) and u not in foreign}
        )
        return {
            "bytes": sum(received.values()),
            "seconds": seconds,
            "requests": len(urls),
            "foreign": foreign,
            "heavy": heavy,
        }
    finally:
        context.close()


def _measure(
    browser, base: str, pages: dict[str, str], cookie: str, repeat: int, who: str
) -> dict[str, dict]:
    results = {}
    for label, path in pages.items():
        _load(browser, base, path, cookie, throttled=False)  # thumbnails made, the store cache filled
        runs = []
        for i in range(repeat):
            progress(f"{who}: {label} {path} (load {i + 1}/{repeat}, 400 kbit/s + 300 ms)")
            runs.append(_load(browser, base, path, cookie, throttled=True))
        results[label] = {
            "bytes": statistics.median(r["bytes"] for r in runs),
            "seconds": statistics.median(r["seconds"] for r in runs),
            "requests": runs[0]["requests"],
            "foreign": runs[0]["foreign"],
            "heavy": runs[0]["heavy"],
        }
    return results


def _rows(ctx: Context, pages: dict[str, str], ours: dict, stock: dict) -> list[Row]:
    rows = []
    for label in pages:
        mine, base = ours[label], stock.get(label)
        kb, clean = mine["bytes"] / 1000, not mine["heavy"] and not mine["foreign"]
        note = f"{mine['requests']} requests (Oscar stock: {base['requests'] if base else '—'})"
        if mine["heavy"] or mine["foreign"]:
            note += "; loads " + ", ".join(mine["heavy"] + mine["foreign"])[:200]
        rows.append(
            Row(
                f"store {label}: KB received",
                kb,
                base["bytes"] / 1000 if base else None,
                fmt="{:,.1f} KB",
                better="lower",
                note=note,
                goal=f"≤ {GOAL_KB} KB",
                met=ctx.judge(kb <= GOAL_KB and clean),
            )
        )
        rows.append(
            Row(
                f"store {label}: seconds to load",
                mine["seconds"],
                base["seconds"] if base else None,
                fmt="{:.2f} s",
                better="lower",
                goal=f"< {GOAL_S:g} s",
                met=ctx.judge(mine["seconds"] < GOAL_S),
            )
        )
    return rows


def run(ctx: Context) -> list[Row]:
    from playwright.sync_api import sync_playwright

    pages, cookies = _prepare()
    repeat = max(ctx.repeat, 1)
    stock_pages = (
        {"home": pages["home"]} if ctx.short else pages
    )  # --short: one baseline page proves the path
    progress("starting gunicorn for ours and for Oscar's stock templates (one sync worker each)")
    with (
        gunicorn(
            "benches.store_front.wsgi:application",
            env=_env("benches.store_front.settings"),
            workers=1,
            name="store-weight-ours",
        ) as ours_url,
        gunicorn(
            "benches.store_front.wsgi:application",
            env=_env("benches.store_front.stock_settings"),
            workers=1,
            name="store-weight-stock",
        ) as stock_url,
        sync_playwright() as playwright,
    ):
        browser = _browser(playwright)
        try:
            ours = _measure(browser, ours_url, pages, cookies["session"], repeat, "ours")
            stock = _measure(browser, stock_url, stock_pages, cookies["session"], repeat, "Oscar stock")
        finally:
            browser.close()
    (VAR / "store_weight.json").write_text(
        json.dumps({"ours": ours, "stock": stock}, ensure_ascii=False, indent=1)
    )
    ctx.note(
        "store pages: headless Chromium, 375×812, cold cache, CDP throttling 400 kbit/s down / 300 ms; bytes = "
        "CDP encodedDataLength (gzip bodies + headers) until network idle; time = to the load event; "
        f"{'median of ' + str(repeat) + ' loads' if repeat > 1 else 'one load each'}; per-request detail in "
        "var/bench/store_weight.json"
    )
    return _rows(ctx, pages, ours, stock)
