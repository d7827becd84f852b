import os
import subprocess
import sys
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.roles import Role
from gov_services.models import ServiceItem, ServiceRequest
from stations.models import Region, Station


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()
            if model._meta.app_label in {"core", "accounts", "stations", "gov_services", "partner", "catalogue",
                                         "wagtailcore"}
            and model._meta.managed and not model._meta.proxy}


@pytest.mark.django_db
def test_seed_demo_builds_the_county_prints_every_login_and_a_second_run_changes_nothing():
    """One test, because seeding takes seconds: the county, the logins, the requests, idempotence."""
    out = StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()

    levels = list(Region.objects.values_list("level", flat=True))
    assert levels.count("city") == 1 and levels.count("county") == 1
    assert levels.count("township") >= 4 and levels.count("village") + levels.count("community") >= 20
    assert Station.objects.count() >= 20
    assert {s.tier for s in Station.objects.all()} == set(Station.Tier.values)
    # Every status of the wall map; a closed station is off the map (and out of the public directory).
    assert {s.status for s in Station.objects.all()} == set(Station.Status.values) - {Station.Status.CLOSED}

    for role in Role:
        if role != Role.RESIDENT:
            assert User.objects.filter(groups__name=role.value).exists(), role
    for username in ["county_admin", "township_admin", "operator", "liaison", "officer", "merchant",
                     "editor", "resident", "admin"]:
        assert username in printed
        assert User.objects.get(username=username).check_password("cunzhan-demo")
    assert "100%" in printed  # the progress bar reached the end

    assert ServiceItem.objects.count() >= 40
    statuses = set(ServiceRequest.objects.values_list("status", flat=True))
    assert statuses >= {"submitted", "accepted", "under_review", "returned", "completed", "rated", "closed"}
    assert ServiceRequest.objects.filter(kind="appeal").exists()

    before = _row_counts()
    call_command("seed_demo", stdout=StringIO())
    assert _row_counts() == before


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_under_production_settings(settings):
    settings.DEMO_SEED_ALLOWED = False
    with pytest.raises(CommandError, match="refuses"):
        call_command("seed_demo", stdout=StringIO())
    assert not Station.objects.exists()


def test_production_settings_turn_the_demo_seed_off():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production",
           "SECRET_KEY": "x" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz",
           "ALLOWED_HOSTS": "cunzhan.example.cn", "DATABASE_URL": "postgres://u@127.0.0.1:5432/cunzhan"}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.DEMO_SEED_ALLOWED)"],
        env=env, capture_output=True, text=True, check=True,
    )
    assert result.stdout.strip() == "False"
