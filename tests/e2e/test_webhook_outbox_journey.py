"""The webhook outbox through the browser, desktop and 375 px phone: a county admin finds a status change the
hotline's system never took, sends it again, and sees it delivered with its attempts."""

import pytest
from playwright.sync_api import expect

from gov_services.channels.models import WebhookAttempt, WebhookDelivery
from gov_services.channels.services import channel_create
from tests.factories import ServiceItemFactory, ServiceRequestFactory
from tests.gov_services.open311.receiver import Receiver

pytestmark = pytest.mark.e2e
PHONE = {"width": 375, "height": 800}


@pytest.fixture
def receiver():
    running = Receiver().start()
    yield running
    running.stop()


def test_a_county_admin_replays_a_failed_delivery(page, shot, sign_in, tree, county_admin, department, receiver):
    hotline = channel_create(actor=None, name="12345热线", code="hotline", jurisdiction=tree["county"],
                             intake_channel="phone", webhook_url=receiver.url)
    request = ServiceRequestFactory(item=ServiceItemFactory(department=department), village=tree["villages"][0],
                                    department=department, status="accepted")
    delivery = WebhookDelivery.objects.create(
        channel=hotline, request=request, event_id=1, region_path=request.place_path, attempts=9,
        status=WebhookDelivery.Status.FAILED, last_error="HTTP 502: bad gateway",
        payload={"event": "request.status_changed", "service_request_id": request.tracking_code,
                 "status": "open", "detailed_status": "accepted", "previous_detailed_status": "submitted"})
    WebhookAttempt.objects.create(delivery=delivery, status_code=502, error="HTTP 502: bad gateway", duration_ms=40)

    sign_in(county_admin)
    page.goto("/county/webhooks/")
    expect(page.locator("h1")).to_have_text("回调推送")
    row = page.locator("tr", has_text=request.tracking_code)
    expect(row).to_contain_text("失败")
    shot("01-outbox-failed")
    page.set_viewport_size(PHONE)
    shot("02-outbox-phone")
    row.get_by_role("button", name="重新发送").click()
    expect(page.locator("tr", has_text=request.tracking_code)).to_contain_text("已送达")
    shot("03-delivered-phone")
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED and len(receiver.accepted) == 1
