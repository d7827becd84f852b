"""Fault injection with a real Redis on loopback (the cache and the Celery broker), started and stopped by
the test itself on a free port — never the machine's shared Redis. What the app does while it is down and
after it comes back is written up in docs/faults.md."""

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass

import pytest
from celery import current_app

from tests.core.test_health import _holiday_in_needed_year, _system_admin

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RedisServer:
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _attempt in range(100):  # up to 10 s for the server to listen
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (scripts/install-system-deps.sh installs it)")
    server = RedisServer(_free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def on_private_redis(redis_server, settings, monkeypatch):
    """The cache and the broker on the private Redis (databases 0 and 1), the cache as production has it."""
    settings.CACHES = {"default": {"BACKEND": "core.cache.TolerantRedisCache", "LOCATION": f"{redis_server.url}/0",
                                   "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1}}}
    settings.CELERY_BROKER_URL = f"{redis_server.url}/1"
    monkeypatch.setattr(current_app.conf, "broker_url", f"{redis_server.url}/1")
    return redis_server


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


@pytest.fixture
def celery_eager():
    """Whether Celery runs tasks in the caller (a worker's stand-in) or hands them to the broker."""
    conf = current_app.conf
    before = conf.task_always_eager

    def set_eager(value: bool) -> None:
        conf.task_always_eager = value

    yield set_eager
    conf.task_always_eager = before


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
