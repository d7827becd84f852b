"""Fault tests (`make faults`, marker `faults`): the real stack on loopback — a PostgreSQL cluster, a Redis
and Celery workers of the test's own (tests/faults/servers.py) — stopped, killed and restarted while work
is under way. docs/faults.md has what they measure."""

import os
import shutil
from pathlib import Path

import pytest
from celery import current_app

from tests.faults.servers import (
    ROOT,
    CeleryWorker,
    PostgresCluster,
    RedisServer,
    free_port,
    need,
    postgres_bin_dir,
)


@pytest.fixture(scope="session")
def private_postgres():
    """A cluster of the session's own; the test database (copied from a migrated template, as every run's)
    lives in it. The cluster's data directory is kept in var/test-db/ for the next run, which then copies it
    instead of migrating again (the template is rebuilt when the migrations changed)."""
    bin_dir = need(postgres_bin_dir(), "PostgreSQL (initdb, pg_ctl)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        need(None, "runuser (PostgreSQL refuses to run as root)")
    cluster = PostgresCluster(bin_dir, free_port())
    snapshot = ROOT / "var" / "test-db" / f"faults-postgres-{Path(bin_dir).parent.name}"
    cluster.init(snapshot)
    cluster.start()
    yield cluster
    try:
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        cluster.save(snapshot)
    finally:
        cluster.remove()


@pytest.fixture(scope="session")
def _database_on_private_postgres(private_postgres, django_db_blocker):
    """Point the default database at the private cluster, before the root conftest's set-up makes the test
    database there (from a template migrated once, as every run does)."""
    from django.conf import settings
    from django.db import connections

    default = {**settings.DATABASES["default"], "ENGINE": "django.db.backends.postgresql", "NAME": "cunzhan_faults",
               "USER": "postgres", "PASSWORD": "", "HOST": "127.0.0.1", "PORT": str(private_postgres.port),
               "OPTIONS": {}, "TEST": {**settings.DATABASES["default"].get("TEST", {}), "NAME": None}}
    with django_db_blocker.unblock():
        connections["default"].close()
    settings.DATABASES["default"] = default
    connections.settings["default"] = default
    del connections["default"]
    with django_db_blocker.unblock():
        _template_from_the_suites_server(private_postgres, connections["default"])


def _template_from_the_suites_server(cluster, connection):
    """CI has just run the suite on PostgreSQL, whose migrated template (same migrations, same key) sits on
    the machine's server: FAULTS_TEMPLATE_SOURCE (that run's DATABASE_URL) copies it into the private
    cluster in seconds instead of migrating again for minutes. Without it, or when the copy fails, the
    root conftest's set-up migrates as usual."""
    source = os.environ.get("FAULTS_TEMPLATE_SOURCE")
    if not source:
        return
    from tests import db_template

    key = db_template.template_key(connection)
    template = db_template.PostgresTemplate(connection, key)
    if template.exists():
        return
    server, _, database = source.rpartition("/")
    copied = cluster.copy_database(f"{server}/{db_template.postgres_template_prefix(database)}{key}", template.name)
    print(f"\nfaults: the test template {'copied from' if copied else 'not found on'} {server} ({template.name})")


@pytest.fixture(scope="session")
def django_db_setup(_database_on_private_postgres, django_db_setup):
    """The root conftest's django_db_setup, once the database is the private cluster's."""
    yield


@pytest.fixture
def redis_server():
    need(shutil.which("redis-server"), "redis-server")
    server = RedisServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def on_private_redis(redis_server, settings, monkeypatch):
    """The cache and the broker on the private Redis (databases 0 and 1), the cache as production has it."""
    settings.CACHES = {"default": {"BACKEND": "core.cache.TolerantRedisCache", "LOCATION": f"{redis_server.url}/0",
                                   "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1}}}
    settings.CELERY_BROKER_URL = f"{redis_server.url}/1"
    monkeypatch.setattr(current_app.conf, "broker_url", f"{redis_server.url}/1")
    _forget_broker_pools()  # the app's pools are made once, for the URL of their time: an earlier test's broker
    yield redis_server
    _forget_broker_pools()


def _forget_broker_pools():
    if current_app._pool is not None:
        current_app._pool.force_close_all()
    current_app._pool = None
    current_app.amqp._producer_pool = None


@pytest.fixture
def celery_eager():
    """Whether Celery runs tasks in the caller (a worker's stand-in) or hands them to the broker."""
    conf = current_app.conf
    before = conf.task_always_eager

    def set_eager(value: bool) -> None:
        conf.task_always_eager = value

    yield set_eager
    conf.task_always_eager = before


@pytest.fixture
def workers(on_private_redis, celery_eager, private_files, tmp_path):
    """Start Celery workers (separate processes) on the private broker and the test database; tasks are
    handed to the broker, not run in the test. Every worker started is stopped at the end."""
    from django.db import connection

    celery_eager(False)
    db = connection.settings_dict
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings",
        "FAULTS_DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "FAULTS_BROKER_URL": f"{on_private_redis.url}/1",
        "FAULTS_SMS_LOG": str(tmp_path / "sms-gateway.log"),
        "PRIVATE_MEDIA_ROOT": str(private_files),
        "PYTHONPATH": str(os.getcwd()),
    }
    started: list[CeleryWorker] = []

    def start(concurrency: int = 1, **extra_env: str) -> CeleryWorker:
        worker = CeleryWorker(env, concurrency=concurrency)
        worker.start(**extra_env)
        started.append(worker)
        worker.wait_ready()
        return worker

    start.env = env
    start.redis = on_private_redis
    yield start
    for worker in started:
        worker.stop()



# Each test prints one line of figures (docs/faults.md records them); `make faults` runs without -s, so the
# lines are gathered from the captured output and repeated at the end of the run.
FIGURE_PREFIXES = ("broker stopped:", "postgres restart:", "provider timeouts:", "worker killed mid-task:")
_figures: list[str] = []


def pytest_runtest_logreport(report):
    if report.when == "call" and report.nodeid.startswith("tests/faults/"):
        _figures.extend(line for line in report.capstdout.splitlines() if line.startswith(FIGURE_PREFIXES))


def pytest_terminal_summary(terminalreporter):
    if _figures:
        terminalreporter.section("fault figures")
        for line in _figures:
            terminalreporter.write_line(line)
