"""Fault injection with a real Redis on loopback (the cache and the Celery broker), started and stopped by
the test itself on a free port — never the machine's shared Redis. What the app does while it is down and
after it comes back is written up in docs/faults.md."""

import pytest

from tests.core.test_health import _holiday_in_needed_year, _system_admin

pytestmark = [pytest.mark.faults, pytest.mark.django_db]


def test_readiness_names_the_stopped_redis_and_recovers_when_it_returns(client, on_private_redis):
    _holiday_in_needed_year()
    client.force_login(_system_admin())
    assert client.get("/readyz").status_code == 200

    on_private_redis.stop()
    down = client.get("/readyz")
    checks = down.json()["checks"]
    assert down.status_code == 503 and down.json()["status"] == "unavailable"
    assert checks["Cache"] != "OK" and checks["Broker"] != "OK" and checks["Database"] == "OK"
    assert client.get("/healthz").status_code == 200  # liveness: the process manager restarts nothing

    on_private_redis.start()
    back = client.get("/readyz")
    assert back.status_code == 200 and set(back.json()["checks"].values()) == {"OK"}


def test_pages_are_served_from_the_database_while_redis_is_down(client, on_private_redis, county_admin):
    from django.core.cache import cache

    assert client.get("/stations/").status_code == 200  # the public directory, now in the page cache
    cache.set("probe", 1)
    on_private_redis.stop()
    assert cache.get("probe") is None and cache.get("probe", "missing") == "missing"
    assert client.get("/stations/").status_code == 200
    assert client.get("/track/").status_code == 200  # rate-limited look-ups: the limiter fails open
    client.force_login(county_admin)
    assert client.get("/county/").status_code == 200
    on_private_redis.start()
    cache.set("probe", 2)
    assert cache.get("probe") == 2


def test_a_text_queued_while_the_broker_is_down_is_kept_and_sent_once_when_it_returns(
        on_private_redis, celery_eager, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from core.models import SmsOutboxMessage
    from core.sms import sms_outbox_redispatch
    from tests.core.test_sms_outbox import enqueue

    celery_eager(False)
    on_private_redis.stop()
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(reference="DOWN")  # the caller's transaction commits; handing it to Celery fails, logged
    message = SmsOutboxMessage.objects.get(reference="DOWN")
    assert (message.status, message.attempts) == (SmsOutboxMessage.Status.QUEUED, 0)

    on_private_redis.start()
    celery_eager(True)  # a worker takes what beat's redispatch hands back to the broker
    SmsOutboxMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - timezone.timedelta(hours=1))
    assert sms_outbox_redispatch() == 1
    assert sms_outbox_redispatch() == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == (SmsOutboxMessage.Status.SENT, 1)
