"""Primary and read replica: which database alias a query uses.

With REPLICA_DATABASE_URL set (config/settings/databases.py), DATABASES has a second alias, `replica`, a
streaming replica of `default` (scripts/province/up.sh starts one on loopback; docs/scale.md). Then:

* every write goes to `default` — saves, updates, deletes, `select_for_update()`, and so also the
  results a report job stores;
* a read goes to `replica` only when the code reading has marked itself read-only with
  core.replica.replica_reads(): the report pages (ReplicaReadsMiddleware below turns it on for GET
  and HEAD requests of the namespaces in REPLICA_READ_NAMESPACES, "reports" by default), report jobs
  (the Celery tasks in REPLICA_READ_TASKS, by a signal in config/celery.py), and queries marked in code;
* even then, the models a request needs fresh — the signed-in user, the session, sign-in lock-outs,
  report jobs' own rows (a page polls the job it has just queued) — are read from `default`
  (PRIMARY_ONLY_MODELS): replica lag must never sign anyone out or hide what they have just done;
* everything else reads from `default`.

Without a replica the router is not installed and nothing changes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connections

from core.replica import reading_from_replica, replica_reads

REPLICA = "replica"
DEFAULT = "default"

# App labels, or "app_label.model_name", that are always read from the primary.
PRIMARY_ONLY_MODELS = frozenset(
    {
        "accounts",
        "auth",
        "sessions",
        "axes",
        "admin",
        "django_celery_beat",
        "reports.reportjob",
    }
)


def replica_configured() -> bool:
    return REPLICA in connections.settings


def _primary_only(model) -> bool:
    meta = model._meta
    return meta.app_label in PRIMARY_ONLY_MODELS or meta.label_lower in PRIMARY_ONLY_MODELS


class ReplicaRouter:
    """Reads marked read-only go to the replica; everything else, and every write, to the primary."""

    def db_for_read(self, model, **hints):
        if reading_from_replica() and not _primary_only(model) and replica_configured():
            return REPLICA
        return DEFAULT

    def db_for_write(self, model, **hints):
        return DEFAULT

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows: an object read from the replica may point at one from the primary.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica is a copy of the primary's files: it is never migrated itself.
        return db != REPLICA


class ReplicaReadsMiddleware:
    """Turns on replica reads for GET and HEAD requests to the report pages (by URL namespace).

    Placed after AuthenticationMiddleware; the whole response, lazily rendered templates included, is
    built inside the marked block. POSTs (queueing a report job) stay on the primary.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.namespaces = frozenset(getattr(settings, "REPLICA_READ_NAMESPACES", ()))

    def __call__(self, request):
        request._replica_reads_token = None
        try:
            return self.get_response(request)
        finally:
            token = request._replica_reads_token
            if token is not None:
                token.__exit__(None, None, None)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in ("GET", "HEAD") or not replica_configured():
            return None
        match = request.resolver_match
        if match is None or not (set(match.namespaces) & self.namespaces):
            return None
        block = replica_reads()
        block.__enter__()
        request._replica_reads_token = block
        return None
