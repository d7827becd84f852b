"""A resident's own report, on a 375 px phone: a broken street light reported with a photo, the phone's
position and a point tapped on the county map (after seeing that a neighbour reported something nearby);
it is on the public map; the department replies publicly and completes it; the resident rates it.
No request leaves the site (Leaflet and the outlines are ours), no script error, no CSP violation."""

import os
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from accounts.roles import Role
from gov_services.models import RequestEvent, ServiceRequest
from gov_services.requests.services.reports import report_submit
from gov_services.requests.workflow import Action
from stations.services_map import township_outlines_save
from tests.e2e.helpers import act_on_request, assert_ok, path_of, sign_out
from tests.e2e.test_station_map import PHONE, outlines_file
from tests.factories import DepartmentFactory, DepartmentMembershipFactory, RoutingRuleFactory, UserFactory

pytestmark = pytest.mark.e2e

RESIDENT_PHONE = "13800138011"
GPS = {"latitude": 39.4101, "longitude": 118.9102}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def county(tree, dispatch_desk):
    township_outlines_save(actor=None, data=outlines_file(tree))
    for index, village in enumerate(tree["villages"]):  # set up by the county, like its stations' positions
        village.latitude, village.longitude = Decimal("39.41") - index * Decimal("0.01"), Decimal("118.91") + index * Decimal("0.05")
        village.save(update_fields=["latitude", "longitude"])
    bureau = DepartmentFactory(region=tree["county"], name="县住建局")
    RoutingRuleFactory(county=tree["county"], category="complaint", department=bureau)
    officer = UserFactory(roles=[Role.OFFICER], username="officer-roads", phone="13900000009")
    DepartmentMembershipFactory(department=bureau, user=officer)
    return {"bureau": bureau, "officer": officer}


@pytest.fixture
def lamp_photo(tmp_path):
    path = tmp_path / "IMG_20261206_路灯.jpg"
    Image.frombytes("RGB", (2400, 1800), os.urandom(2400 * 1800 * 3)).save(path, format="JPEG", quality=95)
    return path


def test_a_resident_reports_a_broken_light_on_a_phone_and_follows_it_to_a_rating(
        page, shot, sign_in, tree, county, lamp_photo, private_files, live_server):
    neighbour = UserFactory(roles=[Role.RESIDENT], phone="13800138012")
    earlier = report_submit(actor=neighbour, idempotency_key=uuid.uuid4(), category="complaint",
                            subject="路灯闪烁", description="晚上一闪一闪", village=tree["villages"][1],
                            latitude=Decimal("39.410500"), longitude=Decimal("118.910500"), is_public=True)
    resident = UserFactory(roles=[Role.RESIDENT], username=RESIDENT_PHONE, phone=RESIDENT_PHONE, full_name="李秀兰")
    problems, outside = [], []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: problems.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith(("http://localhost", "http://127.0.0.1", "data:")) else None)
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation(GPS)
    page.set_viewport_size(PHONE)

    # --- The resident reports the light from the phone ---------------------------------------------------
    sign_in(resident, step="01-resident-sign-in")
    assert_ok(page.goto("/reports/new/"), "report form")
    form = page.locator("form[data-cz-report-form]")
    form.locator("select[name='category']").select_option("complaint")
    form.locator("input[name='subject']").fill("路灯不亮")
    form.locator("textarea[name='description']").fill("村口第二根路灯坏了一个月，晚上路很黑。")
    form.locator("[data-cz-locate]").click()
    expect(page.locator("#id_latitude")).to_have_value("39.410100")
    expect(page.locator("[data-cz-locate-status]")).to_contain_text("已获取位置")
    # A neighbour reported something of the same kind 60 m away: offered to follow instead.
    nearby = page.locator("[data-cz-nearby]")
    expect(nearby).to_be_visible()
    expect(nearby.locator("a", has_text="路灯闪烁")).to_have_count(1)
    expect(nearby.locator("a", has_text="改为关注")).to_have_attribute("href", f"/reports/{earlier.pk}/")
    shot("02-phone-nearby-suggestion")

    # Not the same lamp: the resident taps the exact point on the map instead.
    canvas = page.locator(".cz-map--pick .leaflet-container")
    expect(canvas.locator("svg path.cz-map__area")).to_have_count(2)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box["width"] <= PHONE["width"]
    canvas.click(position={"x": box["width"] / 2 + 30, "y": box["height"] / 2 - 20})
    tapped = float(page.locator("#id_latitude").input_value()), float(page.locator("#id_longitude").input_value())
    assert tapped != (GPS["latitude"], GPS["longitude"]) and 39.3 < tapped[0] < 39.5
    form.locator("input[name='photo_1']").set_input_files(str(lamp_photo))
    # Made smaller on the phone before it is sent (a camera's picture takes minutes at 400 kbit/s).
    page.wait_for_function("size => document.querySelector('input[name=photo_1]').files[0].size < size",
                           arg=lamp_photo.stat().st_size)
    form.locator("input[name='is_public'][value='yes']").check()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot("03-phone-report-filled")
    with page.expect_navigation() as landing:
        form.locator("button[type='submit']").click()
    assert_ok(landing.value, "after reporting")
    expect(page.locator(".cz-error, #error-summary")).to_have_count(0)
    report = ServiceRequest.objects.exclude(pk=earlier.pk).get()
    assert path_of(page) == f"/me/requests/{report.pk}/"
    expect(page.locator(".cz-messages")).to_contain_text("县住建局")
    shot("04-phone-reported")
    assert report.department == county["bureau"] and report.is_public and report.channel == "web"
    assert report.latitude == Decimal(f"{tapped[0]:.6f}") and report.attachments.count() == 1

    # --- ... and sees it on the public map ------------------------------------------------------------------
    assert_ok(page.goto("/reports/map/"), "public map")
    markers = page.locator(".cz-map__canvas.leaflet-container .leaflet-marker-icon.cz-map__marker--report-open")
    expect(markers).to_have_count(2)
    expect(page.locator(".cz-request-list")).to_contain_text("路灯不亮")
    public = page.locator("main").inner_html()  # (the header says who is signed in: herself)
    assert "李秀兰" not in public and RESIDENT_PHONE not in public and report.tracking_code not in public
    shot("05-phone-public-map")
    sign_out(page)

    # --- The department replies publicly and completes it (desktop) ------------------------------------------
    page.set_viewport_size(DESKTOP)
    sign_in(county["officer"], step="06-officer-sign-in")
    assert_ok(page.goto(f"/dept/requests/{report.pk}/"), "department request page")
    reply = page.locator("#public-reply form")
    reply.locator("textarea").fill("已安排电工本周三更换灯泡。")
    with page.expect_navigation():
        reply.locator("button[type='submit']").click()
    for action in ("accept", "start_review", "approve", "complete"):
        act_on_request(page, action)
    expect(page.locator("h1 .cz-rstatus--completed")).to_be_visible()
    shot("07-desktop-officer-completed")
    sign_out(page)

    # --- The resident rates it from the phone --------------------------------------------------------------
    page.set_viewport_size(PHONE)
    sign_in(resident, step="08-resident-sign-in-again")
    assert_ok(page.goto(f"/me/requests/{report.pk}/"), "my report")
    rate = page.locator(f"form[action='/me/requests/{report.pk}/rate/']")
    rate.locator("input[name='rating-score'][value='5']").check()
    with page.expect_navigation():
        rate.locator("button[type='submit']").click()
    expect(page.locator(".cz-status-card .cz-rstatus--rated")).to_be_visible()

    assert_ok(page.goto(f"/reports/{report.pk}/"), "public page")
    expect(page.locator(".cz-quote")).to_contain_text("更换灯泡")
    expect(page.locator(".cz-report--done")).to_be_visible()
    expect(page.locator(".cz-report-photos img")).to_have_count(1)
    page.locator(".cz-report-photos img").scroll_into_view_if_needed()  # (loaded lazily)
    page.wait_for_function("() => document.querySelector('.cz-report-photos img').complete"
                           " && document.querySelector('.cz-report-photos img').naturalWidth > 0")
    assert page.evaluate("document.querySelector('.cz-report-photos img').naturalWidth") == 480  # the small copy
    public = page.locator("main").inner_html()
    assert "李秀兰" not in public and RESIDENT_PHONE not in public and report.tracking_code not in public
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot("09-phone-public-page-rated")
    page.set_viewport_size(DESKTOP)
    shot("10-desktop-public-page")
    assert_ok(page.goto("/reports/"), "public list")
    shot("11-desktop-public-list")

    report.refresh_from_db()
    assert report.status == ServiceRequest.Status.RATED and report.rating.score == 5
    assert RequestEvent.objects.filter(request=report, action=Action.PUBLIC_REPLY).count() == 1
    assert report.completed_at <= timezone.now()
    assert not problems, problems
    assert not outside, outside
