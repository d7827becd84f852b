import os
import subprocess
import sys
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.roles import Role
from stations.models import Region, Station


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()
            if model._meta.app_label in {"core", "accounts", "stations", "gov_services", "partner", "catalogue"}
            and model._meta.managed and not model._meta.proxy}


@pytest.fixture
def seeded(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_builds_a_believable_county(seeded):
    counts = Region.objects.values_list("level", flat=True)
    assert list(counts).count("city") == 1 and list(counts).count("county") == 1
    assert Region.objects.filter(level="township").count() >= 4
    assert Region.objects.filter(level__in=["village", "community"]).count() >= 20
    assert Station.objects.count() >= 20
    assert {s.tier for s in Station.objects.all()} == set(Station.Tier.values)
    assert {s.status for s in Station.objects.all()} >= {"planned", "building", "open"}


def test_seed_demo_creates_a_login_for_every_role_and_prints_them(seeded):
    for role in Role:
        if role != Role.RESIDENT:
            assert User.objects.filter(groups__name=role.value).exists(), role
    for username in ["county_admin", "township_admin", "operator", "liaison", "officer", "merchant",
                     "editor", "resident", "admin"]:
        assert username in seeded
        assert User.objects.get(username=username).check_password("cunzhan-demo")
    assert "100%" in seeded  # the progress bar reached the end


def test_seed_demo_run_twice_changes_nothing_the_second_time(seeded):
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
