"""Error reporting to a Sentry-compatible service (Sentry, GlitchTip), only when SENTRY_DSN is set.

Called from settings. Personal data stays home: no request bodies, cookies, user names or addresses
are sent (send_default_pii=False, and `scrub` drops the request's data and headers that may carry
them); an event carries the request id the logs carry, so the log lines of a reported error are found.
"""

from __future__ import annotations

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration

_KEPT_HEADERS = {"user-agent", "x-request-id", "accept-language", "host"}


def scrub(event: dict, hint: dict) -> dict:
    request = event.get("request") or {}
    request.pop("data", None)
    request.pop("cookies", None)
    request.pop("query_string", None)
    headers = request.get("headers") or {}
    request["headers"] = {k: v for k, v in headers.items() if k.lower() in _KEPT_HEADERS}
    event.pop("user", None)
    try:
        import structlog

        request_id = structlog.contextvars.get_contextvars().get("request_id")
    except Exception:
        request_id = None
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def sentry_init(*, dsn: str, environment: str) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        traces_sample_rate=0.0,
        max_request_body_size="never",
        before_send=scrub,
        integrations=[DjangoIntegration(), CeleryIntegration(),
                      LoggingIntegration(event_level=None)],  # errors are sent from exceptions, not log lines
    )
