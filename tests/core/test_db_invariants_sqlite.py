"""SQLite's invariant triggers are made by `migrate` from what each app declares (core/db_invariants.py),
and survive the table rebuilds with which Django alters SQLite tables."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from core.db_invariants import PREFIX, _sqlite_triggers

pytestmark = pytest.mark.django_db


def _present() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cursor.fetchall() if name.startswith(PREFIX)}


def test_migrate_makes_every_declared_sqlite_trigger_and_makes_them_again_after_it_ran():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's triggers; PostgreSQL's come with the migrations")
    declared = {trigger.name for app in apps.get_app_configs() for trigger in _sqlite_triggers(app)}
    assert len(declared) > 40 and _present() == declared
    call_command("migrate", verbosity=0)  # drops them before migrating, makes them again after
    assert _present() == declared
