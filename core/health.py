"""Health of the running system, for the process manager, the load balancer and the county's IT office.

Three answers (config/urls.py):
* /healthz — liveness: the process answers HTTP. Touches nothing else, so a database outage does not make
  the process manager restart every web process at once.
* /readyz — readiness: every check below, through django-health-check's check classes. Anyone gets the
  verdict (200 or 503, {"status": …}); the details (which check failed and why) only a request from
  OPS_ALLOWED_NETWORKS or a user with core.view_operations (the system admin) sees.
* /metrics — core/metrics.py.

Checks live with the data they look at. core owns the database, cache, storage, broker and migration
checks; an app above registers its own from its AppConfig.ready() with `health_check_register`
(gov_services: next year's working-day calendar, the signing keys) — core imports no app above it.
"""

from __future__ import annotations

import dataclasses
import inspect
import ipaddress
import logging
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from health_check.base import HealthCheck
from health_check.checks import Cache, Database, Storage
from health_check.exceptions import HealthCheckException, ServiceUnavailable, ServiceWarning

from core.http import client_address

logger = logging.getLogger(__name__)

OPERATIONS_PERMISSION = "core.view_operations"


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection (Redis or RabbitMQ: whatever CELERY_BROKER_URL names)."""

    def run(self):
        from celery import current_app

        try:
            with current_app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=3)
        except Exception as error:  # kombu raises the transport's own errors
            raise ServiceUnavailable(f"broker unreachable ({type(error).__name__})") from error


# The applied migrations (django_migrations' rows) of the last check that found none missing. Reading the
# migration files into a plan costs ~0.2 s of CPU, too much for every probe; the rows cost one query, and
# while they stay the same the answer does (the code's migrations do not change under a running process).
_COMPLETE: dict[str, frozenset] = {}


@dataclasses.dataclass
class MigrationsApplied(HealthCheck):
    """No migration in the code is missing from the database (an upgrade half done)."""

    def run(self):
        connection = connections[DEFAULT_DB_ALIAS]
        applied = frozenset(MigrationRecorder(connection).applied_migrations())
        if _COMPLETE.get(DEFAULT_DB_ALIAS) == applied:
            return
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:5])
            raise ServiceUnavailable(f"{len(plan)} migration(s) not applied: {names}")
        _COMPLETE[DEFAULT_DB_ALIAS] = applied


_REGISTERED: list[type[HealthCheck]] = []


def health_check_register(check: type[HealthCheck]) -> None:
    """Called from an AppConfig.ready(): the check runs on every readiness probe."""
    if check not in _REGISTERED:
        _REGISTERED.append(check)


def health_checks() -> list[HealthCheck]:
    """Every check, core's first."""
    checks: list[HealthCheck] = [Database(), Cache(), Storage(), MigrationsApplied()]
    if settings.CELERY_BROKER_URL:
        checks.append(Broker())
    checks += [check() for check in _REGISTERED]
    return checks


@dataclasses.dataclass(frozen=True)
class Outcome:
    """A check's answer. A warning (ServiceWarning: the calendar, a signing key) keeps the process in
    service — taking every web process out of the load balancer would not load a calendar — but turns
    the verdict to "degraded"; an error (ServiceUnavailable …) makes the process not ready (503)."""

    name: str
    level: str  # "ok" | "warning" | "error"
    message: str

    @property
    def ok(self) -> bool:
        return self.level == "ok"


def _name(check: HealthCheck) -> str:
    return type(check).__name__


def _run(check: HealthCheck) -> Outcome:
    """One check in this thread (the ORM and the test database stay this request's own)."""
    try:
        if inspect.iscoroutinefunction(check.run):
            async_to_sync(check.run)()
        else:
            check.run()
    except ServiceWarning as warning:
        logger.warning("health check warning", extra={"check": _name(check), "error": str(warning)})
        return Outcome(_name(check), "warning", str(warning))
    except HealthCheckException as error:
        logger.error("health check failed", extra={"check": _name(check), "error": str(error)})
        return Outcome(_name(check), "error", str(error))
    except Exception:
        logger.exception("health check crashed", extra={"check": _name(check)})
        return Outcome(_name(check), "error", "unknown error")
    return Outcome(_name(check), "ok", "OK")


def health_verdict(outcomes: list[Outcome]) -> str:
    """"ok", "degraded" (a warning) or "unavailable" (an error)."""
    levels = {outcome.level for outcome in outcomes}
    return "unavailable" if "error" in levels else "degraded" if "warning" in levels else "ok"


def health_run(checks: Iterable[HealthCheck] | None = None) -> list[Outcome]:
    return [_run(check) for check in (health_checks() if checks is None else checks)]


def may_see_operations(request) -> bool:
    """Details of health and the metrics: from an allowed network, or the system admin signed in."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.has_perm(OPERATIONS_PERMISSION):
        return True
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in ipaddress.ip_network(net, strict=False) for net in settings.OPS_ALLOWED_NETWORKS)
