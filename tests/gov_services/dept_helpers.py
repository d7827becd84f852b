"""Helpers of the department-screen tests (test_dept_*.py): the queue's address, a request's pages, and
posting an action."""

from django.urls import reverse

from gov_services.models import RequestEvent

QUEUE = reverse("gov_services:dept-home")


def detail_url(service_request) -> str:
    return reverse("gov_services:dept-request-detail", args=[service_request.pk])


def action_url(service_request) -> str:
    return reverse("gov_services:dept-request-action", args=[service_request.pk])


def act(client, service_request, action, **data):
    return client.post(action_url(service_request), {"action": action, **data})


def actions_of(service_request) -> list[str]:
    return list(RequestEvent.objects.filter(request=service_request).order_by("at", "pk")
                .values_list("action", flat=True))
