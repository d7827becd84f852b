"""The primary/replica router: which alias each read and write uses, and the report pages with a replica.

In tests the `replica` alias is a mirror of `default` (Django's TEST MIRROR) and shares its connection,
so that it sees the test's own rows; a recording router tells which alias each query was sent to.
"""

import json
import os
import subprocess

import pytest
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.test import RequestFactory
from django.urls import resolve, reverse

from accounts.models import User
from config.db_router import REPLICA, ReplicaReadsMiddleware, ReplicaRouter
from core.replica import read_only_report, reading_from_replica, replica_reads
from gov_services.models import ServiceRequest
from reports.models import ReportJob
from stations.models import Station
from tests.fresh_interpreter import run_fresh
from tests.reports import conftest as reports_fixtures

ROUTER = "config.db_router.ReplicaRouter"
kpi_world = reports_fixtures.kpi_world  # the report pages' world of requests


class RecordingRouter(ReplicaRouter):
    reads: list[tuple[str, str]] = []

    def db_for_read(self, model, **hints):
        alias = super().db_for_read(model, **hints)
        self.reads.append((model._meta.label_lower, alias))
        return alias


@pytest.fixture
def replica(db, settings):
    """A `replica` alias mirroring `default` (same database, same connection), the router installed."""
    connections.settings[REPLICA] = {
        **connections.settings["default"],
        "ATOMIC_REQUESTS": False,
        "TEST": {**connections.settings["default"]["TEST"], "MIRROR": "default"},
    }
    setattr(connections._connections, REPLICA, connections["default"])
    settings.DATABASE_ROUTERS = [f"{__name__}.RecordingRouter"]
    RecordingRouter.reads = []
    yield RecordingRouter.reads
    delattr(connections._connections, REPLICA)
    del connections.settings[REPLICA]


def test_without_a_replica_every_read_goes_to_the_primary(db, settings):
    settings.DATABASE_ROUTERS = [ROUTER]
    with replica_reads():
        assert router.db_for_read(ServiceRequest) == "default"


def test_reads_go_to_the_replica_only_when_marked_read_only(replica):
    assert router.db_for_read(ServiceRequest) == "default"
    with replica_reads():
        assert router.db_for_read(ServiceRequest) == REPLICA
        assert router.db_for_read(Station) == REPLICA
        with replica_reads(enabled=False):
            assert router.db_for_read(ServiceRequest) == "default"
    assert router.db_for_read(ServiceRequest) == "default"


def test_writes_never_go_to_the_replica(replica):
    with replica_reads():
        for model in (ServiceRequest, ReportJob, Station, User):
            assert router.db_for_write(model) == "default"
        assert Station.objects.select_for_update().db == "default"
        assert Station.objects.all().db == REPLICA


def test_users_sessions_and_report_jobs_are_always_read_from_the_primary(replica):
    with replica_reads():
        for model in (User, Session, ReportJob):
            assert router.db_for_read(model) == "default"


def test_the_replica_is_never_migrated():
    assert ReplicaRouter().allow_migrate(REPLICA, "gov_services") is False
    assert ReplicaRouter().allow_migrate("default", "gov_services") is True


def test_a_function_marked_read_only_reads_from_the_replica(replica):
    @read_only_report
    def figures():
        return reading_from_replica(), Station.objects.all().db

    assert figures() == (True, REPLICA)
    assert not reading_from_replica()


def test_the_middleware_marks_only_get_requests_to_the_report_pages(replica):
    seen = []

    def view(request):
        seen.append(reading_from_replica())
        return None

    middleware = ReplicaReadsMiddleware(
        lambda request: (middleware.process_view(request, view, (), {}), view(request))
    )
    factory = RequestFactory()
    for method, path, expected in (
        ("get", "/county/reports/", True),
        ("post", "/county/reports/jobs/", False),
        ("get", "/", False),
    ):
        request = getattr(factory, method)(path)
        request.resolver_match = resolve(path)
        middleware(request)
        assert seen.pop() is expected
        assert not reading_from_replica()  # and the mark ends with the request


def test_report_pages_read_their_figures_from_the_replica_and_the_user_from_the_primary(
    client, county_admin, kpi_world, replica
):
    client.force_login(county_admin)
    response = client.get("/county/reports/", {"date_from": "2026-03-01", "date_to": "2026-03-31"})
    assert response.status_code == 200
    assert response.context["report"].total.received == 6
    aliases = dict(replica)
    assert aliases["accounts.user"] == "default" and aliases["sessions.session"] == "default"
    assert {alias for label, alias in replica if label.startswith("gov_services.")} == {REPLICA}
    assert client.get(reverse("reports:request-analytics")).status_code == 200


def test_a_report_job_reads_from_the_replica_and_writes_its_result_to_the_primary(
    client,
    county_admin,
    kpi_world,
    replica,
    private_files,
    django_capture_on_commit_callbacks,
):
    client.force_login(county_admin)
    data = {
        "job": "gov_kpis:csv",
        "query": "date_from=2026-03-01&date_to=2026-03-31",
        "idempotency_key": "5f0c0d2e-7d1e-4c55-9a53-1d1b0b0e0a01",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:job-create"), data)
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert job.status == "done"
    assert ("gov_services.servicerequest", REPLICA) in replica
    assert ("reports.reportjob", REPLICA) not in replica


def _settings_with(**env: str) -> subprocess.CompletedProcess:
    """The settings imported in a fresh interpreter with `env` (tests/fresh_interpreter.py): databases, routers,
    cursors."""
    code = (
        "import json; from django.conf import settings; print(json.dumps({alias: [db['PORT'], "
        "db['ATOMIC_REQUESTS'], db.get('DISABLE_SERVER_SIDE_CURSORS', False), db.get('TEST', {}).get('MIRROR')] "
        "for alias, db in settings.DATABASES.items()} | {'routers': settings.DATABASE_ROUTERS}))"
    )
    drop = {"DATABASE_URL", "REPLICA_DATABASE_URL", "DATABASE_POOLER", "DATABASE_POOL_MAX_SIZE"}
    environment = {k: v for k, v in os.environ.items() if k not in drop}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.local", **env)
    return run_fresh(code, environment)


def test_replica_database_url_adds_the_replica_alias_and_the_router():
    result = _settings_with(
        DATABASE_URL="postgres://cunzhan@127.0.0.1:6432/cunzhan",
        REPLICA_DATABASE_URL="postgres://cunzhan@127.0.0.1:5433/cunzhan",
        DATABASE_POOLER="pgbouncer",
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    # The primary through pgbouncer: no server-side cursors; the replica reached directly, no request transaction.
    assert found["default"] == [6432, True, True, None]
    assert found["replica"] == [5433, False, False, "default"]
    assert found["routers"] == ["config.db_router.ReplicaRouter"]


def test_without_a_replica_there_is_one_database_and_no_router():
    result = _settings_with()
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(found) == {"default", "routers"} and found["routers"] == []


def test_an_unknown_pooler_stops_start_up_with_one_line():
    result = _settings_with(DATABASE_POOLER="pgpool")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].startswith("Cunzhan configuration error: DATABASE_POOLER ")
