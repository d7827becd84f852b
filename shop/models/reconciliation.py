"""Reconciling a wallet's daily bill with our payments (shop/services/reconciliation.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WalletBillImport(models.Model):
    """One bill file of one wallet and day, compared with our records; the report is kept with it."""

    class Provider(models.TextChoices):
        WECHAT = "wechat", _("WeChat Pay")
        ALIPAY = "alipay", _("Alipay")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Comparing")
        DONE = "done", _("Compared")
        FAILED = "failed", _("Could not be read")

    idempotency_key = models.UUIDField(unique=True, editable=False)
    provider = models.CharField(_("wallet"), max_length=10, choices=Provider.choices)
    bill_date = models.DateField(_("bill date"))
    # The county whose admins imported it and may see it; empty: the platform's (the superuser's).
    county = models.ForeignKey("stations.Region", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    content = models.BinaryField(editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(_("matched"), default=0)
    missing_ours = models.PositiveIntegerField(_("missing on our side"), default=0)
    missing_theirs = models.PositiveIntegerField(_("missing in the bill"), default=0)
    amount_differs = models.PositiveIntegerField(_("amount differs"), default=0)
    mismatches = models.JSONField(default=list)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("wallet bill import")
        verbose_name_plural = _("wallet bill imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.provider} {self.bill_date}"

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0
