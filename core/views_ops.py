"""Liveness, readiness and metrics (core/health.py, core/metrics.py), mounted by config/urls.py.

None of them is cached, and none sets a session or a cookie: probes come every few seconds. None is
wrapped in ATOMIC_REQUESTS' transaction: liveness must answer while the database is down, and readiness
reports the database's state instead of failing before it is asked.
"""

from django.db import transaction
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.views import View

from core.health import health_run, health_verdict, may_see_operations
from core.metrics import metrics_text


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class LivenessView(View):
    """The process answers: for the process manager (systemd's watchdog, a container's probe)."""

    def get(self, request):
        response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
        add_never_cache_headers(response)
        return response


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class ReadinessView(View):
    """Whether this process can serve: 200 ("ok", or "degraded" with a warning), 503 ("unavailable")
    when a check fails. Which check and why only for allowed networks and the system admin."""

    def get(self, request):
        outcomes = health_run()
        verdict = health_verdict(outcomes)
        body: dict = {"status": verdict}
        if may_see_operations(request):
            body["checks"] = {outcome.name: outcome.message for outcome in outcomes}
        response = JsonResponse(body, status=503 if verdict == "unavailable" else 200,
                                json_dumps_params={"ensure_ascii": False})
        add_never_cache_headers(response)
        return response


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class MetricsView(View):
    """Prometheus's scrape: from allowed networks or the system admin; everyone else 403."""

    def get(self, request):
        if not may_see_operations(request):
            return HttpResponseForbidden("forbidden\n", content_type="text/plain; charset=utf-8")
        body, content_type = metrics_text()
        response = HttpResponse(body, content_type=content_type)
        add_never_cache_headers(response)
        return response
