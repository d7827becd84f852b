"""seed_demo refuses to run under production settings, which turn it off."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from stations.models import Station
from tests.test_settings import FILE_KEYS


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_under_production_settings(settings):
    settings.DEMO_SEED_ALLOWED = False
    with pytest.raises(CommandError, match="refuses"):
        call_command("seed_demo", stdout=StringIO())
    assert not Station.objects.exists()


def test_production_settings_turn_the_demo_seed_off():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production",
           "SECRET_KEY": "x" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz",
           "ALLOWED_HOSTS": "cunzhan.example.cn", "DATABASE_URL": "postgres://u@127.0.0.1:5432/cunzhan",
           "FILE_MASTER_KEYS": FILE_KEYS}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.DEMO_SEED_ALLOWED)"],
        env=env, capture_output=True, text=True, check=True,
    )
    assert result.stdout.strip() == "False"
