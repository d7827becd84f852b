"""config/env.py: bad configuration stops start-up with one clear last line on stderr.

Each case imports settings in a fresh interpreter (no database, no migrations): a fork of one that has
imported the libraries but none of the project (tests/fresh_interpreter.py).
"""

import base64
import os
import subprocess
from pathlib import Path

import pytest

from tests.fresh_interpreter import run_fresh

BASE_DIR = Path(__file__).resolve().parent.parent
GOOD_SECRET = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP"
READ_SETTINGS = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE']); print(settings.DEBUG)"


CONFIG_VARIABLES = {"DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CACHE_URL", "ENABLE_SIMULATORS",
                    "AGENCY_CARD_TERMINAL", "FILE_MASTER_KEYS", "FILE_MASTER_KEY_ID"}
# A county's own file master key (not the development one), unless a test names its own.
FILE_KEYS = "k2026:" + base64.b64encode(bytes(range(32))).decode()


def _settings(module: str, **env: str) -> subprocess.CompletedProcess:
    """Import `module`'s settings in a fresh interpreter with only `env` of the variables we read."""
    environment = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    environment.update(DJANGO_SETTINGS_MODULE=module, **{"FILE_MASTER_KEYS": FILE_KEYS, **env})
    return run_fresh(READ_SETTINGS, environment)


def _last_line(result: subprocess.CompletedProcess) -> str:
    lines = result.stderr.strip().splitlines()
    return lines[-1] if lines else ""


def _assert_config_error(result, name: str) -> str:
    assert result.returncode != 0, result.stdout
    last = _last_line(result)
    assert last.startswith(f"Cunzhan configuration error: {name} "), result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return last


def test_local_settings_load_with_nothing_set():
    result = _settings("config.settings.local")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]


@pytest.mark.parametrize("url", ["nonsense://x", "garbage", "postgres//missing-colon", ""])
def test_a_malformed_database_url_stops_local_settings_with_one_clear_line(url):
    last = _assert_config_error(_settings("config.settings.local", DATABASE_URL=url), "DATABASE_URL")
    assert "postgres://" in last  # it shows what a good value looks like


@pytest.mark.parametrize("value", ["maybe", "yes please", "2x"])
def test_a_debug_value_that_is_not_a_boolean_stops_local_settings(value):
    _assert_config_error(_settings("config.settings.local", DEBUG=value), "DEBUG")


@pytest.mark.parametrize("value, expected", [("false", "False"), ("0", "False"), ("off", "False"),
                                             ("true", "True"), ("1", "True"), ("yes", "True")])
def test_ordinary_debug_values_are_understood(value, expected):
    result = _settings("config.settings.local", DEBUG=value)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == expected


def test_a_malformed_cache_url_stops_settings():
    _assert_config_error(_settings("config.settings.local", CACHE_URL="nonsense://x"), "CACHE_URL")


def test_production_without_a_secret_key_stops():
    result = _settings("config.settings.production", SECRET_KEY="", ALLOWED_HOSTS="cunzhan.example.cn",
                       DATABASE_URL="postgres://cunzhan@127.0.0.1:5432/cunzhan")
    _assert_config_error(result, "SECRET_KEY")


def test_production_with_a_short_secret_key_stops():
    result = _settings("config.settings.production", SECRET_KEY="short", ALLOWED_HOSTS="cunzhan.example.cn",
                       DATABASE_URL="postgres://cunzhan@127.0.0.1:5432/cunzhan")
    _assert_config_error(result, "SECRET_KEY")


def test_production_without_allowed_hosts_stops():
    result = _settings("config.settings.production", SECRET_KEY=GOOD_SECRET,
                       DATABASE_URL="postgres://cunzhan@127.0.0.1:5432/cunzhan")
    _assert_config_error(result, "ALLOWED_HOSTS")


@pytest.mark.parametrize("database", [{}, {"DATABASE_URL": "sqlite:////tmp/cunzhan.sqlite3"}],
                         ids=["default", "explicit"])
def test_production_refuses_sqlite(database):
    result = _settings("config.settings.production", SECRET_KEY=GOOD_SECRET, ALLOWED_HOSTS="cunzhan.example.cn",
                       **database)
    last = _assert_config_error(result, "DATABASE_URL")
    assert "PostgreSQL" in last


def test_production_loads_with_everything_set():
    result = _settings("config.settings.production", SECRET_KEY=GOOD_SECRET, ALLOWED_HOSTS="cunzhan.example.cn",
                       DATABASE_URL="postgres://cunzhan:pw@127.0.0.1:5432/cunzhan")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False"]


PRODUCTION = {"ALLOWED_HOSTS": "cunzhan.example.cn", "DATABASE_URL": "postgres://cunzhan@127.0.0.1:5432/cunzhan",
              "FILE_MASTER_KEYS": FILE_KEYS}


def test_production_refuses_the_development_secret_key_published_in_the_source():
    from config.settings.base import DEVELOPMENT_SECRET_KEY

    last = _assert_config_error(_settings("config.settings.production", SECRET_KEY=DEVELOPMENT_SECRET_KEY,
                                          **PRODUCTION), "SECRET_KEY")
    assert "development key" in last


def test_production_names_the_length_of_a_short_secret_key():
    last = _assert_config_error(_settings("config.settings.production", SECRET_KEY="k" * 10 + "abcdefghij" * 3,
                                          **PRODUCTION), "SECRET_KEY")
    assert "40 characters long" in last and "at least 50" in last


def test_production_refuses_a_long_secret_key_made_of_too_few_characters():
    last = _assert_config_error(_settings("config.settings.production", SECRET_KEY="abab" * 20, **PRODUCTION),
                                "SECRET_KEY")
    assert "only 2 different characters" in last


def test_the_makefile_check_deploy_key_is_accepted_by_production():
    makefile = (BASE_DIR / "Makefile").read_text()
    key = makefile.split("SECRET_KEY=", 1)[1].split()[0]
    result = _settings("config.settings.production", SECRET_KEY=key, **PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_production_refuses_the_simulated_card_reader_unless_simulators_are_enabled():
    last = _assert_config_error(_settings("config.settings.production", SECRET_KEY=GOOD_SECRET,
                                          AGENCY_CARD_TERMINAL="simulator", **PRODUCTION), "AGENCY_CARD_TERMINAL")
    assert "ENABLE_SIMULATORS" in last
    piloted = _settings("config.settings.production", SECRET_KEY=GOOD_SECRET, AGENCY_CARD_TERMINAL="simulator",
                        ENABLE_SIMULATORS="true", **PRODUCTION)
    assert piloted.returncode == 0, piloted.stderr


SIMULATORS = """
import django
django.setup()
from types import SimpleNamespace
from django.http import Http404
from django.test import RequestFactory
from django.urls import resolve
from agency.providers import ProviderError, adapter_for
from shop.payments.simulator import CardSimulatorProvider
from shop.views_payments import PaymentWebhookView

def routed(path):  # Wagtail's catch-all answers any path; only a shop pattern counts
    match = resolve(path)
    return match.url_name if match.app_name == "shop" else "-"

def answer(call):
    try:
        return type(call()).__name__
    except (Http404, ProviderError, LookupError) as error:
        return type(error).__name__

print(routed("/shop/payments/card-simulator/confirm/"), routed("/shop/orders/1/pay/simulate/"),
      answer(lambda: PaymentWebhookView.as_view()(RequestFactory().post("/"), provider="card_sim")),
      answer(lambda: adapter_for(SimpleNamespace(adapter="simulator"))),
      CardSimulatorProvider().is_available())
"""


def _simulators(**env: str) -> list[str]:
    environment = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.production", SECRET_KEY=GOOD_SECRET,
                       CACHE_URL="locmemcache://", **PRODUCTION, **env)
    result = run_fresh(SIMULATORS, environment)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_production_routes_no_simulator_and_cannot_select_one():
    assert _simulators() == ["-", "-", "Http404", "ProviderError", "False"]


def test_a_pilot_turns_the_simulators_on_explicitly():
    assert _simulators(ENABLE_SIMULATORS="true") == [
        "card-simulator-confirm", "order-pay-simulate", "HttpResponseBadRequest", "SimulatorAdapter", "True"]
