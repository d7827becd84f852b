"""The webhook outbox (/county/webhooks/), included from gov_services/urls.py in the gov_services namespace."""

from django.urls import path

from gov_services.channels import views

urlpatterns = [
    path("county/webhooks/", views.WebhookOutboxListView.as_view(), name="webhook-outbox-list"),
    path("county/webhooks/<int:pk>/replay/", views.WebhookDeliveryReplayView.as_view(), name="webhook-replay"),
]
