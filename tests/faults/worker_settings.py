"""Settings of the Celery workers a fault test starts (tests/faults/conftest.py `workers`): the test
settings, but tasks come from the test's private broker and the database is the test's own; text messages
go to a recording gateway simulator (tests/faults/simulators.py).

FAULTS_SLOW="dotted.module:function=seconds,…" makes those functions wait before they run, so that a test
can kill the worker in the middle of a task (only the first worker of a test is given it)."""

import os

from celery import signals

from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES, env

DATABASES["default"] = {**DATABASES["default"], **env.db_url("FAULTS_DATABASE_URL"), "TEST": {}}
CELERY_BROKER_URL = os.environ["FAULTS_BROKER_URL"]
CELERY_TASK_ALWAYS_EAGER = False
# Redelivery of a killed worker's tasks within seconds rather than the hour production waits.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("FAULTS_VISIBILITY_TIMEOUT", "8")),
                                   "unacked_restore_interval": 1, "unacked_restore_throttle": 1}
SMS_BACKEND = "tests.faults.simulators.RecordingSmsGateway"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

_slowed: set[str] = set()


@signals.task_prerun.connect
def _slow_down(**kwargs):
    import importlib
    import time
    from functools import wraps

    for spec in filter(None, os.environ.get("FAULTS_SLOW", "").split(",")):
        target, _, seconds = spec.partition("=")
        if target in _slowed:
            continue
        module_name, _, name = target.partition(":")
        module = importlib.import_module(module_name)
        original = getattr(module, name)
        # A package's names are re-exports: slowing one there slows nothing the task calls (it looks the
        # name up in the module that imported it), and the kill would land after the task had finished.
        if hasattr(module, "__path__"):
            raise ValueError(f"FAULTS_SLOW {target}: name the module whose code calls {name}, not a package")

        @wraps(original)
        def slow(*args, _original=original, _seconds=float(seconds), **kwargs):
            time.sleep(_seconds)
            return _original(*args, **kwargs)

        setattr(module, name, slow)
        _slowed.add(target)
