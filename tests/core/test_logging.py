"""Structured logs: JSON lines carrying the request id, the id sent back to the client and carried into
Celery tasks (django-structlog, config/settings/observability.py LOGGING, core/logging.py); errors reported to a
Sentry-compatible service only with a DSN, without personal data (core/error_reporting.py)."""

import json
import logging

import pytest
import structlog
from celery import Celery
from celery.signals import before_task_publish
from django.conf import settings

pytestmark = pytest.mark.django_db


def _json_formatter():
    from logging.config import dictConfigClass

    config = dictConfigClass(settings.LOGGING)
    return config.configure_formatter(settings.LOGGING["formatters"]["json"])


def test_a_log_line_is_one_json_object_with_the_bound_request_id():
    formatter = _json_formatter()
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id="req-1", ip="10.0.0.9")
    try:
        record = logging.LogRecord("gov_services.tasks", logging.WARNING, __file__, 1, "SMS 发送失败 %s", ("x",), None)
        line = json.loads(formatter.format(record))
    finally:
        structlog.contextvars.clear_contextvars()
    assert line["event"] == "SMS 发送失败 x"
    assert line["request_id"] == "req-1" and line["ip"] == "10.0.0.9"
    assert line["level"] == "warning" and line["logger"] == "gov_services.tasks" and "timestamp" in line


def test_every_response_carries_its_request_id_and_an_upstream_one_is_kept(client):
    response = client.get("/healthz")
    assert len(response["X-Request-ID"]) == 36
    assert client.get("/healthz", HTTP_X_REQUEST_ID="nginx-abc123")["X-Request-ID"] == "nginx-abc123"


def test_the_request_log_line_has_the_client_address_from_the_trusted_proxy(client, settings, caplog):
    settings.TRUSTED_PROXIES = ["10.0.0.1/32"]
    seen = {}

    def spy(request, logger, log_kwargs, **kwargs):
        seen.update(structlog.contextvars.get_contextvars())

    from django_structlog import signals

    signals.bind_extra_request_metadata.connect(spy, dispatch_uid="test-spy")
    try:
        client.get("/healthz", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.2")
    finally:
        signals.bind_extra_request_metadata.disconnect(dispatch_uid="test-spy")
    assert seen["ip"] == "198.51.100.2"  # the hop the trusted proxy saw; the left one the client wrote


def test_a_task_queued_during_a_request_carries_its_request_id():
    app = Celery("probe", broker="memory://", set_as_current=False)  # never the app later tests queue on
    headers_seen = {}

    def capture(sender=None, headers=None, **kwargs):
        headers_seen.update(headers or {})

    before_task_publish.connect(capture, weak=False)
    structlog.contextvars.bind_contextvars(request_id="req-42")
    try:
        app.send_task("core.tasks.audit_chain_seal")
    finally:
        structlog.contextvars.clear_contextvars()
        before_task_publish.disconnect(capture)
    assert headers_seen["__django_structlog__"]["request_id"] == "req-42"


def test_the_worker_binds_the_request_id_from_the_message():
    from django_structlog.celery.receivers import CeleryReceiver

    class Request:
        __django_structlog__ = {"request_id": "req-42", "user_id": 7}

    class Task:
        name = "core.tasks.audit_chain_seal"
        request = Request()

    CeleryReceiver().receiver_task_prerun("task-1", Task())
    try:
        context = structlog.contextvars.get_contextvars()
    finally:
        structlog.contextvars.clear_contextvars()
    assert context["request_id"] == "req-42" and context["task_id"] == "task-1"


def test_the_worker_boot_step_is_installed():
    from django_structlog.celery.steps import DjangoStructLogInitStep

    from config.celery import app

    assert DjangoStructLogInitStep in app.steps["worker"]


def test_no_error_reporting_without_a_dsn():
    import sentry_sdk

    assert not settings.SENTRY_DSN
    assert not sentry_sdk.get_client().is_active()


def test_a_reported_error_carries_no_personal_data_but_the_request_id():
    from core.error_reporting import scrub

    structlog.contextvars.bind_contextvars(request_id="req-9")
    try:
        event = scrub({"request": {"data": {"applicant_id_number": "110105199001010012"},
                                   "cookies": {"sessionid": "s"}, "query_string": "phone=13800000000",
                                   "headers": {"Cookie": "s", "User-Agent": "UA", "X-Request-ID": "req-9"}},
                       "user": {"username": "张三"}}, {})
    finally:
        structlog.contextvars.clear_contextvars()
    assert "data" not in event["request"] and "cookies" not in event["request"] and "user" not in event
    assert "query_string" not in event["request"]
    assert event["request"]["headers"] == {"User-Agent": "UA", "X-Request-ID": "req-9"}
    assert event["tags"]["request_id"] == "req-9"


def test_sentry_is_initialised_with_a_dsn_and_sends_no_personal_data(monkeypatch):
    import sentry_sdk

    from core.error_reporting import sentry_init

    calls = {}
    monkeypatch.setattr(sentry_sdk, "init", lambda **kwargs: calls.update(kwargs))
    sentry_init(dsn="https://key@glitchtip.example.cn/2", environment="test")
    assert calls["dsn"] == "https://key@glitchtip.example.cn/2"
    assert calls["send_default_pii"] is False and calls["before_send"].__name__ == "scrub"
