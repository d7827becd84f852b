"""A channel hears of every status change of the requests it filed: signed, retried with back-off through
Celery against a real HTTP receiver on loopback, kept in an outbox with its delivery log, replayable."""

import json
import time

import pytest

from core.models import AuditEvent
from gov_services.channels import signing
from gov_services.channels.tasks import WEBHOOK_MAX_RETRIES, webhook_deliver
from gov_services.models import ServiceRequest, WebhookAttempt, WebhookDelivery
from gov_services.requests.services import service_request_accept
from tests.gov_services.open311.conftest import BASE, report
from tests.gov_services.open311.receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _celery_retries_run_eagerly():
    """The test settings run Celery eagerly and re-raise a task's exceptions at once (to surface bugs); a retry
    is such an exception. Here Celery handles it as a worker would: the task runs again, its retry count one
    higher (the back-off's countdown is not waited for in eager mode)."""
    conf = webhook_deliver.app.conf
    before = conf.task_eager_propagates
    conf.task_eager_propagates = False
    yield
    conf.task_eager_propagates = before


@pytest.fixture
def receiver():
    running = Receiver().start()
    yield running
    running.stop()


def _file(client, key) -> ServiceRequest:
    response = client.post(f"{BASE}/requests.json", report(key))
    assert response.status_code == 200, response.content
    return ServiceRequest.objects.get(tracking_code=response.json()[0]["service_request_id"])


def test_a_receiver_that_fails_twice_gets_the_change_once_after_two_retries(
        client, hotline, hotline_key, receiver, dispatch_desk, superuser, django_capture_on_commit_callbacks):
    receiver.failures = 2
    hotline.webhook_url = receiver.url
    hotline.save()
    filed = _file(client, hotline_key)
    assert not WebhookDelivery.objects.exists()  # filing is no status change

    with django_capture_on_commit_callbacks(execute=True):
        service_request_accept(request=filed, actor=superuser)

    assert [status for _h, _b, status in receiver.got] == [500, 500, 200]
    assert len(receiver.accepted) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.DELIVERED, 3)
    assert [a.status_code for a in delivery.log.all()] == [500, 500, 200]
    headers, body, _status = receiver.accepted[0]
    assert {h[signing.DELIVERY_HEADER] for h, _b, _s in receiver.got} == {str(delivery.pk)}
    assert signing.signature_valid(secret=hotline.webhook_secret, timestamp=headers[signing.TIMESTAMP_HEADER],
                                   body=body, header=headers[signing.SIGNATURE_HEADER], now=int(time.time()))
    assert not signing.signature_valid(secret="another secret", timestamp=headers[signing.TIMESTAMP_HEADER],
                                       body=body, header=headers[signing.SIGNATURE_HEADER], now=int(time.time()))
    payload = json.loads(body)
    assert payload == {**payload, "event": "request.status_changed", "service_request_id": filed.tracking_code,
                       "status": "open", "detailed_status": "accepted", "previous_detailed_status": "submitted"}

    webhook_deliver.delay(delivery.pk)  # a broker's redelivery of the finished task sends nothing
    assert len(receiver.got) == 3


def test_a_receiver_that_never_answers_leaves_a_failed_delivery_an_admin_replays(
        client, hotline, hotline_key, receiver, dispatch_desk, superuser, county_admin,
        django_capture_on_commit_callbacks):
    receiver.failures = 1000
    hotline.webhook_url = receiver.url
    hotline.save()
    filed = _file(client, hotline_key)
    with django_capture_on_commit_callbacks(execute=True):
        service_request_accept(request=filed, actor=superuser)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.FAILED, WEBHOOK_MAX_RETRIES + 1)

    client.force_login(county_admin)
    page = client.get("/county/webhooks/", {"status": "failed"})
    assert page.status_code == 200 and filed.tracking_code in page.content.decode()
    receiver.failures = 0
    receiver.got.clear()
    with django_capture_on_commit_callbacks(execute=True):
        replayed = client.post(f"/county/webhooks/{delivery.pk}/replay/")
    assert replayed.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED and len(receiver.accepted) == 1
    assert WebhookAttempt.objects.filter(delivery=delivery).last().replayed_by == county_admin
    assert AuditEvent.objects.filter(action="webhook.replay", actor=county_admin).exists()


def test_requests_not_filed_by_a_channel_and_channels_without_a_webhook_queue_nothing(
        client, hotline, hotline_key, dispatch_desk, superuser):
    filed = _file(client, hotline_key)  # the hotline has no webhook URL
    service_request_accept(request=filed, actor=superuser)
    assert not WebhookDelivery.objects.exists()


def test_another_regions_admin_cannot_see_or_replay_a_delivery(client, hotline, hotline_key, receiver, dispatch_desk,
                                                               superuser, township_admin, tree,
                                                               django_capture_on_commit_callbacks):
    hotline.webhook_url = receiver.url
    hotline.save()
    body = report(hotline_key, lat=None, long=None, address_id=tree["villages"][-1].code)  # the other township
    response = client.post(f"{BASE}/requests.json", body)
    filed = ServiceRequest.objects.get(tracking_code=response.json()[0]["service_request_id"])
    with django_capture_on_commit_callbacks(execute=True):
        service_request_accept(request=filed, actor=superuser)
    delivery = WebhookDelivery.objects.get()
    client.force_login(township_admin)
    assert filed.tracking_code not in client.get("/county/webhooks/").content.decode()
    assert client.post(f"/county/webhooks/{delivery.pk}/replay/").status_code == 404


def test_a_channel_and_its_key_are_made_on_the_command_line(client, mapped_tree, county_admin, dispatch_desk):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("channel", "create", "wechat-oa", "县政务公众号", mapped_tree["county"].code, "--as", "wechat",
                 "--webhook", "https://wx.example.cn/hooks", stdout=out)
    call_command("channel", "key", "wechat-oa", county_admin.username, stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    assert client.post(f"{BASE}/requests.json", report(key)).status_code == 200
    assert ServiceRequest.objects.get().channel == "wechat"
    call_command("channel", "list", stdout=out)
    assert "wechat-oa" in out.getvalue()


def test_a_delivery_whose_hand_off_to_celery_was_lost_is_sent_by_the_sweep(
        client, hotline, hotline_key, receiver, dispatch_desk, superuser):
    from datetime import timedelta

    from django.utils import timezone

    from gov_services.channels.tasks import webhook_deliveries_redispatch_stale

    hotline.webhook_url = receiver.url
    hotline.save()
    filed = _file(client, hotline_key)
    service_request_accept(request=filed, actor=superuser)  # not committed: the hand-off never happened
    assert receiver.got == [] and WebhookDelivery.objects.get().status == WebhookDelivery.Status.PENDING
    assert webhook_deliveries_redispatch_stale() == 0  # too fresh: the hand-off may still be under way
    WebhookDelivery.objects.update(created_at=timezone.now() - timedelta(minutes=10))
    assert webhook_deliveries_redispatch_stale() == 1
    assert len(receiver.accepted) == 1 and WebhookDelivery.objects.get().status == WebhookDelivery.Status.DELIVERED


def test_a_change_made_while_the_broker_is_down_is_saved_and_its_delivery_waits_for_the_sweep(
        client, hotline, hotline_key, receiver, dispatch_desk, superuser, monkeypatch,
        django_capture_on_commit_callbacks):
    from gov_services.channels.tasks import webhook_deliver

    def broker_down(*args, **kwargs):
        raise ConnectionError("redis refused")

    hotline.webhook_url = receiver.url
    hotline.save()
    filed = _file(client, hotline_key)
    monkeypatch.setattr(webhook_deliver, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        service_request_accept(request=filed, actor=superuser)  # no error reaches the officer
    assert receiver.got == [] and WebhookDelivery.objects.get().status == WebhookDelivery.Status.PENDING


def test_the_sweeps_automatic_close_of_a_channels_request_is_sent_too(hotline, receiver, tree,
                                                                       django_capture_on_commit_callbacks):
    from gov_services.models import ChannelRequest
    from gov_services.supervision.services.sweep import supervision_sweep_run
    from tests.gov_services.supervision_helpers import Office, at

    hotline.webhook_url = receiver.url
    hotline.save()
    office = Office(tree)
    request = office.accepted(at(2025, 3, 3, 10), status="returned", paused_at=at(2025, 3, 3, 10))
    ChannelRequest.objects.create(channel=hotline, request=request)
    with django_capture_on_commit_callbacks(execute=True):
        supervision_sweep_run(now=at(2025, 3, 31, 9))  # 20 working days without the supplement: closed
    [(_headers, body, _status)] = receiver.accepted
    payload = json.loads(body)
    assert (payload["status"], payload["detailed_status"], payload["previous_detailed_status"]) == (
        "closed", "closed", "returned")
    assert "2025-03-03" in payload["status_notes"]
