"""The token of a request accepted asynchronously (GeoReport v2 "batch" services): POST answers the token
at once, a Celery task files the request through the common intake, GET tokens/{token} then gives its id."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.storage import private_storage_callable
from gov_services.channels.models import Channel
from gov_services.models import ServiceRequest


def new_token() -> str:
    return secrets.token_urlsafe(18)


class Open311Token(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be filed")
        FILED = "filed", _("Filed")
        FAILED = "failed", _("Refused")

    token = models.CharField(max_length=32, unique=True, default=new_token)
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="open311_tokens")
    api_key = models.ForeignKey("accounts.ApiKey", on_delete=models.PROTECT, related_name="+")
    # The POST's parameters as parsed (see open311/params.py), without the key.
    params = models.JSONField()
    media = models.FileField(upload_to="open311/%Y/%m/", blank=True, storage=private_storage_callable)
    media_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    request = models.OneToOneField(ServiceRequest, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="open311_token")
    errors = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    filed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 token")
        verbose_name_plural = _("Open311 tokens")

    def __str__(self) -> str:
        return self.token
