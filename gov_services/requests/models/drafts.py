"""Drafts of an application being filed at the counter — or by a resident online (no station; `operator`
is then the resident): what was typed, the scans and the signature, kept server-side so that a validation
error, a reload or a network drop loses nothing, and a resident can finish later from "my requests".

A draft is named by the form's idempotency key (made when the form is first shown and posted back on
every retry) and belongs to the operator and station that started it, and to the visit when the filing
happens inside one (agency's Visit). Once the application is filed, the draft points at the request (a
retry of the same key then re-sends the same scans and gets the first request back); the cleanup task
(gov_services.tasks.drafts) deletes drafts and their files when they expire.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.storage import private_storage_callable
from gov_services.catalogue.models import RequiredMaterial, ServiceItem
from gov_services.requests.models.requests import ServiceRequest
from stations.models import Station


class ApplicationDraft(models.Model):
    key = models.UUIDField(_("form key"), unique=True)
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="+", verbose_name=_("service"))
    # None: the resident's own online application.
    station = models.ForeignKey(Station, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                verbose_name=_("station"))
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("started by"))
    visit = models.ForeignKey("agency.Visit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("visit"))
    # The applicant's and the e-form's fields as last posted (strings; never the key or the signature).
    fields = models.JSONField(_("typed fields"), default=dict, blank=True)
    signature = models.BinaryField(_("signature"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    filed_request = models.ForeignKey(ServiceRequest, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("filed as"))

    class Meta:
        verbose_name = _("application draft")
        verbose_name_plural = _("application drafts")
        indexes = [models.Index(fields=["operator", "station", "item"])]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.key}"


class DraftScan(models.Model):
    """One scan kept in a draft, checked by its content when it came in (core/uploads.py)."""

    draft = models.ForeignKey(ApplicationDraft, on_delete=models.CASCADE, related_name="scans")
    material = models.ForeignKey(RequiredMaterial, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                 verbose_name=_("material"))
    file = models.FileField(_("file"), upload_to="drafts/%Y/%m/", storage=private_storage_callable)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    # A small JPEG of an image scan, made when it came in: shown inline on the form (no request per scan).
    thumbnail = models.BinaryField(_("thumbnail"), null=True, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("draft scan")
        verbose_name_plural = _("draft scans")
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
