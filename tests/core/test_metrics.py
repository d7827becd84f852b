"""/metrics: who may scrape it, and the business gauges each app registers (core/metrics.py)."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from core.metrics import gauge_register, gauge_values, registered_gauges
from core.models import SmsOutboxMessage
from tests.factories import ServiceRequestFactory, UserFactory

pytestmark = pytest.mark.django_db

GAUGES = {"cunzhan_sms_outbox_queued", "cunzhan_sms_outbox_failed", "cunzhan_requests_overdue",
          "cunzhan_requests_red_carded", "cunzhan_certificate_renders_failed", "cunzhan_till_transactions_unknown",
          "cunzhan_report_jobs_queued"}


def test_every_business_gauge_is_registered_by_its_app():
    assert {gauge.name for gauge in registered_gauges()} >= GAUGES
    assert set(gauge_values()) >= GAUGES


def test_metrics_are_refused_to_visitors_and_staff_without_the_permission(client, county_admin):
    assert client.get("/metrics").status_code == 403
    client.force_login(county_admin)
    assert client.get("/metrics").status_code == 403


def test_the_system_admin_and_an_allowed_network_get_the_metrics(client, settings):
    settings.OPS_ALLOWED_NETWORKS = ["127.0.0.1"]
    response = client.get("/metrics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "django_http_requests_total_by_method_total" in text
    assert "cunzhan_requests_overdue 0.0" in text
    settings.OPS_ALLOWED_NETWORKS = []
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_operations"))
    client.force_login(user)
    assert client.get("/metrics").status_code == 200


def test_the_gauges_count_what_an_operator_watches(client, settings, request_item, station):
    from gov_services.models import Card, SupervisionCard, SupervisionSweep
    from reports.models import ReportJob

    now = timezone.now()
    SmsOutboxMessage.objects.create(phone="13800000001", text="t", purpose="test")
    SmsOutboxMessage.objects.create(phone="13800000002", text="t", purpose="test", status="failed")
    overdue = ServiceRequestFactory(item=request_item, station=station, status="submitted",
                                    due_at=now - datetime.timedelta(days=1))
    ServiceRequestFactory(item=request_item, station=station, status="submitted", due_at=now + datetime.timedelta(days=1))
    ServiceRequestFactory(item=request_item, station=station, status="completed", due_at=now - datetime.timedelta(days=1))
    sweep = SupervisionSweep.objects.create(at=now, trigger="beat")
    for level in (Card.YELLOW, Card.RED):
        SupervisionCard.objects.create(request=overdue, level=level, department=overdue.department, issued_at=now,
                                       sweep=sweep)
    ReportJob.objects.create(user=UserFactory(), idempotency_key="5f0d3a3e-5a3c-4c39-9a2c-1c7e0f6d1a01",
                             kind=ReportJob.Kind.values[0], file_format=ReportJob.Format.values[0])
    values = gauge_values()
    assert values["cunzhan_sms_outbox_queued"] == 1 and values["cunzhan_sms_outbox_failed"] == 1
    assert values["cunzhan_requests_overdue"] == 1
    assert values["cunzhan_requests_red_carded"] == 1
    assert values["cunzhan_report_jobs_queued"] == 1
    assert values["cunzhan_till_transactions_unknown"] == 0
    assert values["cunzhan_certificate_renders_failed"] == 0
    settings.OPS_ALLOWED_NETWORKS = ["127.0.0.1"]
    assert "cunzhan_requests_red_carded 1.0" in client.get("/metrics").content.decode()


def test_a_failing_gauge_is_left_out_and_counted(client, settings):
    def broken():
        raise RuntimeError("table gone")

    gauge_register("cunzhan_test_broken", "a gauge whose selector fails", broken)
    try:
        settings.OPS_ALLOWED_NETWORKS = ["127.0.0.1"]
        text = client.get("/metrics").content.decode()
    finally:
        from core import metrics

        metrics._GAUGES.pop("cunzhan_test_broken")
    assert "cunzhan_test_broken " not in text
    assert "cunzhan_gauge_errors 1.0" in text


def test_a_gauge_name_must_say_it_is_ours():
    with pytest.raises(ValueError):
        gauge_register("overdue", "x", lambda: 0)
