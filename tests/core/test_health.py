"""Liveness, readiness and who sees their details (core/health.py, core/views_ops.py)."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from core.health import Broker, MigrationsApplied, health_checks, health_run, health_verdict
from gov_services.health import SigningKeys, WorkingDayCalendar
from gov_services.models import CalendarDay
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _holiday_in_needed_year():
    from gov_services.selectors.operations import calendar_year_needed

    year = calendar_year_needed(today=timezone.localdate())
    CalendarDay.objects.get_or_create(date=datetime.date(year, 10, 1), defaults={"kind": "holiday", "name": "国庆节"})


def _system_admin():
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_operations"))
    return user


def test_liveness_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_readiness_tells_anyone_the_verdict_but_not_the_details(client):
    _holiday_in_needed_year()
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_the_system_admin_sees_every_check(client):
    _holiday_in_needed_year()
    client.force_login(_system_admin())
    checks = client.get("/readyz").json()["checks"]
    assert set(checks) >= {"Database", "Cache", "Storage", "MigrationsApplied", "WorkingDayCalendar", "SigningKeys"}
    assert set(checks.values()) == {"OK"}


def test_an_allowed_network_sees_the_details_and_another_does_not(client, settings):
    _holiday_in_needed_year()
    settings.OPS_ALLOWED_NETWORKS = ["10.0.0.0/24"]
    assert "checks" in client.get("/readyz", REMOTE_ADDR="10.0.0.7").json()
    assert "checks" not in client.get("/readyz", REMOTE_ADDR="10.0.1.7").json()


def test_a_missing_calendar_makes_the_system_degraded_but_still_ready(client):
    CalendarDay.objects.filter(date__year__gte=timezone.localdate().year).delete()
    client.force_login(_system_admin())
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["WorkingDayCalendar"].startswith("Warning: no public holidays loaded for")


def test_the_calendar_needed_is_next_years_from_december(settings):
    from gov_services.selectors.operations import calendar_year_needed

    assert calendar_year_needed(today=datetime.date(2026, 11, 30)) == 2026
    assert calendar_year_needed(today=datetime.date(2026, 12, 1)) == 2027
    settings.GOV_CALENDAR_NEXT_YEAR_MONTH = 11
    assert calendar_year_needed(today=datetime.date(2026, 11, 1)) == 2027


def test_an_unreachable_broker_makes_the_process_not_ready(client, settings):
    _holiday_in_needed_year()
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    assert any(isinstance(check, Broker) for check in health_checks())
    from celery import current_app

    current_app.conf.broker_url = settings.CELERY_BROKER_URL
    try:
        response = client.get("/readyz")
    finally:
        current_app.conf.broker_url = None
    assert response.status_code == 503 and response.json() == {"status": "unavailable"}


def test_no_broker_check_when_tasks_run_in_the_process(settings):
    settings.CELERY_BROKER_URL = ""
    assert not any(isinstance(check, Broker) for check in health_checks())


def test_migrations_check_passes_on_a_migrated_database():
    assert health_run([MigrationsApplied()])[0].ok


def test_a_migration_missing_from_the_database_is_found_though_the_last_probe_found_none(monkeypatch):
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder

    import core.health

    assert health_run([MigrationsApplied()])[0].ok
    with monkeypatch.context() as patched:  # the rows are as the last probe saw them: the files are not read
        patched.setattr(core.health, "MigrationExecutor", None)
        assert health_run([MigrationsApplied()])[0].ok
    app, newest = next(node for node in MigrationLoader(None).graph.leaf_nodes() if node[0] == "gov_services")
    MigrationRecorder(connection).record_unapplied(app, newest)  # an upgrade half done
    outcome = health_run([MigrationsApplied()])[0]
    assert outcome.level == "error" and f"gov_services.{newest}" in outcome.message


def test_a_signing_key_that_no_longer_opens_is_a_warning(department, settings):
    from gov_services.certificates.services.setup import active_signing_key, forget_opened_keys

    active_signing_key(department=department)
    assert health_run([SigningKeys()])[0].ok
    settings.CERTIFICATE_KEY_PASSPHRASE = "a-different-secret-after-a-rotation-without-rewrap"
    forget_opened_keys()
    try:
        outcome = health_run([SigningKeys()])[0]
    finally:
        forget_opened_keys()
    assert outcome.level == "warning" and "does not open" in outcome.message


def test_the_verdict_is_the_worst_outcome():
    from core.health import Outcome

    assert health_verdict([Outcome("a", "ok", "OK")]) == "ok"
    assert health_verdict([Outcome("a", "ok", "OK"), Outcome("b", "warning", "w")]) == "degraded"
    assert health_verdict([Outcome("a", "error", "e"), Outcome("b", "warning", "w")]) == "unavailable"


def test_the_calendar_check_is_registered_by_the_app_that_owns_the_calendar():
    kinds = {type(check) for check in health_checks()}
    assert {WorkingDayCalendar, SigningKeys} <= kinds
