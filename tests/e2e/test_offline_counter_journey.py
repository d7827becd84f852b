"""The counter keeps working when the network drops, in the browser with Playwright's offline
mode: the operator opens the counter online (the service worker keeps its pages and data); the network
drops; the operator files an application with a scan and a signature, and hands a parcel over against its
code (checked against the cached hash); reloads the page (the outbox survives); the network returns; both
sync, the receipt shows the real tracking code, and a second sync of the same items creates nothing. The
daily close is blocked while anything captured offline is unresolved."""

import re
import time

import pytest
from playwright.sync_api import expect

from agency.models import OfflineItem
from gov_services.identifiers import format_tracking_code
from gov_services.models import Attachment, ServiceRequest
from shop.models import OrderPart
from tests.e2e.helpers import assert_ok, path_of, sign_on_pad
from tests.factories import RequiredMaterialFactory, ServiceItemFactory, png_bytes, valid_id_number
from tests.shop import factories

pytestmark = pytest.mark.e2e

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}


@pytest.fixture
def offline_world(tree, department, station, operator, resident):
    item = ServiceItemFactory(department=department, code="HJ-OFF-01", name="户籍证明", lowest_level="village",
                              promised_limit_days=5,
                              form_schema=[{"name": "purpose", "type": "text", "label": "用途", "required": True}])
    material = RequiredMaterialFactory(item=item, name="身份证", form="scan", required=True, position=1)
    merchant = factories.merchant(name="乐亭绿源合作社", townships=[tree["townships"][0]])
    merchant_user = merchant.partner.users.get()
    eggs = factories.product(merchant.partner, title="土鸡蛋", price="12.50", stock=10)
    part = factories.order((eggs, 2), station=station, user=resident, phone="13935000001").parts.get()
    part = factories.part_ready(part, merchant_user=merchant_user, operator=operator)
    return {"item": item, "material": material, "part": part}


def _status(page):
    return page.locator("[data-offline-status]")


WIDEST = """() => Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right >
    window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className + '[' + Math.round(e.getBoundingClientRect().right) + ']')"""


def _no_overflow(page, wide: list):
    """Nothing wider than the screen (a 375 px phone scrolls down, never sideways); what is, is collected."""
    if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"):
        wide.append((page.url, page.evaluate(WIDEST)))


def _wait_for(page, script: str, what: str, seconds: float = 20) -> None:
    """Poll `script` (a JS function) until it answers true. (wait_for_function evaluates strings, which the
    site's Content-Security-Policy refuses.)"""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if page.evaluate(script):
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"timed out waiting for {what}")


def _worker_ready(page):
    """The service worker controls the page and has kept the shell and the station's data."""
    _wait_for(page, "() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)", "the service worker")
    _wait_for(page, """async () => {
        const names = (await caches.keys()).filter(n => n.startsWith('cz-counter-'));
        if (!names.length) return false;
        const cache = await caches.open(names[0]);
        const wanted = ['/counter/offline/catalogue.json', '/counter/offline/shelf.json', '/counter/offline/apply/',
                        '/counter/offline/parcels/', '/counter/offline/receipt/', '/counter/offline/'];
        for (const url of wanted) { if (!(await cache.match(url))) return false; }
        return true;
    }""", "the shell and data in the cache")


def _abort(route):
    route.abort("internetdisconnected")


def _network(page, *, up: bool) -> None:
    """The network as the counter meets it when it drops: the browser offline and every request that still
    tries the network refused. Chromium's offline mode leaves the service worker's own requests through (a
    POST the worker passes on reached the live server in one run of this journey); the context's routes
    catch those too."""
    page.context.set_offline(not up)
    if up:
        page.context.unroute("**/*", _abort)
    else:
        page.context.route("**/*", _abort)


@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_the_network_drops_the_operator_files_and_hands_over_and_both_sync_once_it_returns(
        page, shot, sign_in, operator, station, offline_world, private_files, screen):
    page.set_viewport_size(VIEWPORTS[screen])
    item, material, part = offline_world["item"], offline_world["material"], offline_world["part"]
    wide = []
    code = part.pickup_code  # what the resident's phone received
    sign_in(operator, step=f"{screen}-01-sign-in")
    assert path_of(page) == "/counter/"
    expect(_status(page)).to_contain_text("在线")
    _worker_ready(page)
    page.reload()
    expect(_status(page)).to_contain_text("无待发送")
    shot(f"{screen}-02-counter-online")

    # --- The network drops -----------------------------------------------------------------------------
    _network(page, up=False)
    page.goto(f"/counter/requests/new/{item.pk}/")  # the usual link: the offline form comes instead
    expect(page.locator("h1")).to_have_text("离线办理申请")
    expect(_status(page)).to_contain_text("离线")
    expect(page.locator("[data-item-select]")).to_have_value(str(item.pk))
    page.fill("input[name='applicant_name']", "王秀英")
    page.fill("input[name='applicant_id_number']", valid_id_number(11))
    page.fill("input[name='applicant_phone']", "13912345678")
    page.locator(f"#offline-material-{material.pk}").set_input_files(
        files=[{"name": "身份证.png", "mimeType": "image/png", "buffer": png_bytes((200, 120))}])
    expect(page.locator("[data-scan-chosen]").first).to_contain_text("身份证.png")
    page.fill("input[name='eform-purpose']", "办理低保")
    page.locator("input[name='consent'][value='signature']").check()
    sign_on_pad(page)
    shot(f"{screen}-03-application-offline")
    _no_overflow(page, wide)
    page.locator("form[data-offline-apply] button[type='submit']").click()
    page.wait_for_url(re.compile(r"/counter/offline/receipt/\?key="))
    receipt = page.locator("[data-offline-receipt]")
    expect(receipt).to_contain_text("临时回执")
    expect(page.locator("[data-receipt-local]")).to_have_text(re.compile(r"^临\d{8}-\d{3}$"))
    expect(receipt).to_contain_text("户籍证明")
    application_receipt = page.url
    shot(f"{screen}-04-provisional-receipt")

    page.goto("/counter/parcels/")  # the shelf, offline: the code is checked against the cached hash
    expect(page.locator("h1")).to_have_text("离线交付包裹")
    page.fill("[data-parcel-code]", "000000" if code != "000000" else "111111")
    page.locator("form[data-offline-parcel] button[type='submit']").click()
    expect(page.locator("[data-parcel-message]")).to_contain_text("没有与此取件码对应")
    page.fill("[data-parcel-code]", code)
    page.locator("form[data-offline-parcel] button[type='submit']").click()
    expect(page.locator("[data-parcel-found]")).to_contain_text(part.reference)
    expect(page.locator("[data-parcel-cash]")).to_contain_text("25.00")
    shot(f"{screen}-05-parcel-code-checked")
    page.locator("[data-parcel-handover]").click()
    page.wait_for_url(re.compile(r"/counter/offline/receipt/\?key="))
    expect(page.locator("[data-offline-receipt]")).to_contain_text(part.reference)

    # The page is reloaded: the outbox survives; nothing reached the server.
    page.goto("/counter/offline/")
    page.reload()
    expect(_status(page)).to_contain_text("2 项待发送")
    expect(page.locator("[data-outbox-item]")).to_have_count(2)
    expect(page.locator("[data-outbox-item][data-state='waiting']")).to_have_count(2)
    shot(f"{screen}-06-outbox-offline")
    _no_overflow(page, wide)
    assert not ServiceRequest.objects.filter(station=station).exists()
    assert not OfflineItem.objects.filter(station=station).exists()
    part.refresh_from_db()
    assert part.status == OrderPart.Status.READY

    # --- The network returns: both sync, in order --------------------------------------------------------
    _network(page, up=True)
    expect(_status(page)).to_contain_text("无待发送", timeout=15000)
    expect(page.locator("[data-outbox-item][data-state='done']")).to_have_count(2)
    request = ServiceRequest.objects.get(station=station)
    part.refresh_from_db()
    assert part.status == OrderPart.Status.COLLECTED
    assert Attachment.objects.filter(request=request, material=material).count() == 1 and request.signature
    expect(_status(page)).to_contain_text("上次同步")
    shot(f"{screen}-07-synced")

    page.goto(application_receipt)
    expect(page.locator("[data-receipt-ref]")).to_have_text(format_tracking_code(request.tracking_code))
    expect(page.locator("[data-receipt-provisional]")).to_be_hidden()
    shot(f"{screen}-08-receipt-with-real-code")
    with page.expect_navigation():
        page.locator("[data-receipt-real]").click()
    expect(page.locator("body")).to_contain_text(format_tracking_code(request.tracking_code))

    # A second sync of the same items (a lost answer, another tab) creates nothing.
    events = part.events.count()
    page.evaluate("""async () => {
        const items = await CzOutbox.all();
        for (const item of items) { item.state = 'waiting'; await CzOutbox.put(item); }
        CzOutbox.schedule(0);
    }""")
    # The page may be sending already (its own timer): wait until both are answered again.
    _wait_for(page, "async () => (await CzOutbox.all()).every(i => i.state === 'done')", "the second sync")
    assert ServiceRequest.objects.filter(station=station).count() == 1
    assert Attachment.objects.filter(request__station=station).count() == 1
    assert part.events.count() == events and OfflineItem.objects.filter(station=station, attempts=1).count() == 2
    assert not wide, f"wider than the screen: {wide}"


def test_the_daily_close_is_blocked_while_something_captured_offline_is_unresolved(page, sign_in, shot, operator,
                                                                                    station):
    sign_in(operator)
    assert_ok(page.goto("/counter/till/close/"), "daily close")
    expect(page.locator("#close-day")).to_be_enabled()
    page.evaluate("""() => CzOutbox.put({key: CzOutbox.uuid(), seq: 1, kind: 'sale', local_number: '临20261206-001',
        captured_at: new Date().toISOString(), fields: [], files: [], summary: '柜台销售（现金） · 25.00 元',
        state: 'conflict', conflict: 'stock_gone', conflict_label: '商品已无库存', message: '现已无库存：土鸡蛋。'})""")
    expect(page.locator("[data-close-guard]")).to_contain_text("1 项离线录入的事项尚未同步")
    expect(page.locator("[data-close-guard]")).to_contain_text("临20261206-001")
    expect(page.locator("#close-day")).to_be_disabled()
    shot("01-close-blocked")
    # The conflict is resolved on its screen: discarded with a reason only once the server has it.
    page.goto("/counter/offline/conflicts/")
    item = page.locator("[data-conflict-item]")
    expect(item).to_contain_text("商品已无库存")
    item.locator("[data-c-discard]").click()
    expect(item.locator("[data-c-problem]")).to_contain_text("请说明放弃此事项的原因")
    shot("02-conflict-screen")
