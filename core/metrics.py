"""Prometheus metrics: django-prometheus's process metrics (requests, latencies, database and cache
calls) plus the business gauges an operator watches, at /metrics (core/views_ops.py).

A business gauge is a count the owning app's selector computes when Prometheus scrapes (overdue and
red-carded requests, SMS waiting or failed, till payments in an unknown state, report jobs waiting,
certificate renders failed). Apps register theirs from AppConfig.ready() with `gauge_register`;
core knows none of them. Each is one indexed count; a gauge whose selector fails is left out of that
scrape (and the failure logged and counted), so that one broken table does not blind the whole page.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

import prometheus_client
from prometheus_client import CollectorRegistry, multiprocess
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Gauge:
    name: str          # cunzhan_<what>, without a unit suffix (counts)
    documentation: str
    read: Callable[[], int]


_GAUGES: dict[str, Gauge] = {}


def gauge_register(name: str, documentation: str, read: Callable[[], int]) -> None:
    """Register a business gauge (from an AppConfig.ready()); `read()` returns the current count."""
    if not name.startswith("cunzhan_"):
        raise ValueError(f"business gauges are named cunzhan_…, not {name!r}")
    _GAUGES[name] = Gauge(name, documentation, read)


def registered_gauges() -> list[Gauge]:
    return list(_GAUGES.values())


def gauge_values() -> dict[str, int | None]:
    """Every registered gauge's current value (None: its selector failed)."""
    values: dict[str, int | None] = {}
    for gauge in _GAUGES.values():
        try:
            values[gauge.name] = int(gauge.read())
        except Exception:
            logger.exception("business gauge failed", extra={"gauge": gauge.name})
            values[gauge.name] = None
    return values


class BusinessCollector:
    def collect(self):
        values = gauge_values()
        for gauge in _GAUGES.values():
            value = values[gauge.name]
            if value is not None:
                family = GaugeMetricFamily(gauge.name, gauge.documentation)
                family.add_metric([], value)
                yield family
        failed = GaugeMetricFamily("cunzhan_gauge_errors", "Business gauges whose selector failed this scrape")
        failed.add_metric([], sum(value is None for value in values.values()))
        yield failed


def metrics_text() -> tuple[bytes, str]:
    """The exposition: the process metrics (every gunicorn worker's, when PROMETHEUS_MULTIPROC_DIR is
    set) and the business gauges, read now."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        process_registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(process_registry)
    else:
        process_registry = prometheus_client.REGISTRY
    business = CollectorRegistry(auto_describe=False)
    business.register(BusinessCollector())
    body = prometheus_client.generate_latest(process_registry) + prometheus_client.generate_latest(business)
    return body, prometheus_client.CONTENT_TYPE_LATEST


# core's own gauges: the SMS outbox.
def _sms_queued() -> int:
    from core.models import SmsOutboxMessage

    return SmsOutboxMessage.objects.filter(status=SmsOutboxMessage.Status.QUEUED).count()


def _sms_failed() -> int:
    from core.models import SmsOutboxMessage

    return SmsOutboxMessage.objects.filter(status=SmsOutboxMessage.Status.FAILED).count()


def register_core_gauges() -> None:
    gauge_register("cunzhan_sms_outbox_queued", "Text messages waiting for the gateway", _sms_queued)
    gauge_register("cunzhan_sms_outbox_failed", "Text messages the gateway refused or that ran out of attempts",
                   _sms_failed)
