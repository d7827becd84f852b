"""config/env.py: bad configuration stops start-up with one clear last line on stderr.

Each case imports settings in a fresh interpreter (no database, no migrations).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
GOOD_SECRET = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP"
READ_SETTINGS = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE']); print(settings.DEBUG)"


CONFIG_VARIABLES = {"DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CACHE_URL"}


def _settings(module: str, **env: str) -> subprocess.CompletedProcess:
    """Import `module`'s settings in a fresh interpreter with only `env` of the variables we read."""
    environment = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    environment.update(DJANGO_SETTINGS_MODULE=module, **env)
    return subprocess.run([sys.executable, "-c", READ_SETTINGS], cwd=BASE_DIR, env=environment,
                          capture_output=True, text=True, timeout=120)


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
