from django.urls import path

from core.views_ops import LivenessView, MetricsView, ReadinessView

app_name = "ops"

urlpatterns = [
    path("healthz", LivenessView.as_view(), name="liveness"),
    path("readyz", ReadinessView.as_view(), name="readiness"),
    path("metrics", MetricsView.as_view(), name="metrics"),
]
