"""What a counter captured while the network was down, as the server received it (agency/offline_sync.py).

One row per outbox item, keyed by the idempotency key the browser made when the operator captured it:
the row says how its last sync ended (ok with the real references, a conflict the operator resolves,
an error, or discarded with a reason), so the same item sent again never creates a second record and
nothing the counter sent is silently dropped. The item's content is not kept here: what it created
(a request, a sale, a hand-over) is the record; a conflict's row keeps only its kind and what to show.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OfflineItem(models.Model):
    class Status(models.TextChoices):
        OK = "ok", _("Synced")
        CONFLICT = "conflict", _("Conflict")
        ERROR = "error", _("Error")
        DISCARDED = "discarded", _("Discarded")

    class Conflict(models.TextChoices):
        ITEM_WITHDRAWN = "item_withdrawn", _("The service was withdrawn meanwhile")
        RESIDENT_CHANGED = "resident_changed", _("The resident's data changed meanwhile")
        PARCEL_HANDED_OVER = "parcel_handed_over", _("The parcel was handed over elsewhere")
        PARCEL_WITHDRAWN = "parcel_withdrawn", _("The parcel no longer waits at the station")
        CODE_CHANGED = "code_changed", _("The pick-up code changed meanwhile")
        STOCK_GONE = "stock_gone", _("The goods are out of stock")
        PRICE_CHANGED = "price_changed", _("The price changed meanwhile")

    idempotency_key = models.UUIDField(_("idempotency key"), unique=True)
    station = models.ForeignKey("stations.Station", on_delete=models.PROTECT, related_name="+")
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=30)
    local_number = models.CharField(_("provisional number"), max_length=30, blank=True)
    captured_at = models.DateTimeField(_("captured at"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    conflict = models.CharField(_("conflict"), max_length=30, choices=Conflict.choices, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    fingerprint = models.CharField(max_length=64)
    result = models.JSONField(_("result"), default=dict, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    resolution_note = models.TextField(_("reason"), blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("offline item")
        verbose_name_plural = _("offline items")
        indexes = [models.Index(fields=["station", "status"], name="offline_item_station_status")]

    def __str__(self) -> str:
        return self.local_number or str(self.idempotency_key)
