import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from config.celery import app
from core.tasks import clear_expired_sessions


def test_every_beat_schedule_entry_names_a_registered_task():
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, f"beat entry {name} names an unknown task {entry['task']}"


def _expired_session() -> str:
    store = SessionStore()
    store["x"] = 1
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() - timezone.timedelta(days=1))
    return store.session_key


@pytest.mark.django_db
def test_clear_expired_sessions_removes_only_expired_ones():
    expired = _expired_session()
    live = SessionStore()
    live.create()
    clear_expired_sessions()
    assert list(Session.objects.values_list("pk", flat=True)) == [live.session_key]
    assert expired != live.session_key


@pytest.fixture
def memory_broker():
    """Point the project's own Celery app at an in-process broker for one test."""
    saved = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url="memory://", result_backend="cache+memory://", task_always_eager=False)
    _forget_backend(app)  # a backend built earlier in this process (none configured) is cached
    yield app
    app.conf.update(saved)
    _forget_backend(app)


def _forget_backend(celery_app) -> None:
    celery_app._backend_cache = None
    celery_app._local.__dict__.pop("backend", None)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_housekeeping_task(memory_broker):
    """Serialization and routing through a real worker thread, not the eager shortcut."""
    _expired_session()
    # An explicit connection: the app's producer pool may already hold one to the default broker
    # (built by an earlier test in this process), which this worker does not consume.
    with start_worker(memory_broker, perform_ping_check=False, shutdown_timeout=10), \
            memory_broker.connection_for_write() as connection:
        clear_expired_sessions.apply_async(connection=connection).get(timeout=20)
    assert not Session.objects.exists()
