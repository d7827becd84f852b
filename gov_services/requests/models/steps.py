"""The steps of an item's approval as one request goes through them (a copy of the item's ItemStep rows,
gov_services/catalogue/models.py, taken when the request is filed, so that a later change to the
catalogue never moves a running request's deadlines), and an officer's saved searches of the work queue.

The rules are in gov_services/requests/services/steps.py; the catalogue's set-up screens edit ItemStep.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gov_services.catalogue.models import StepKind, StepRole
from gov_services.requests.models.requests import ServiceRequest

__all__ = ["RequestStep", "SavedQueueView"]


class RequestStep(models.Model):
    """One step of one request: when it started, when it is due, who did it and when, and the card the
    supervision sweep gave it. A step starts when the one before it is done (acceptance: when the request
    is filed); a pause for supplement moves the running step's deadline as it moves the request's."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="steps",
                                verbose_name=_("request"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("approval step"), max_length=12, choices=StepKind.choices)
    limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"))
    role = models.CharField(_("who may do it"), max_length=8, choices=StepRole.choices, default=StepRole.OFFICER)
    separate_from = models.JSONField(_("not by whoever did"), default=list, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("done by"))
    card = models.CharField(_("card"), max_length=6, blank=True)
    card_at = models.DateTimeField(_("card issued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("request step")
        verbose_name_plural = _("request steps")
        ordering = ["request", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["request", "kind"], name="request_step_kind_once")]
        indexes = [models.Index(fields=["done_at", "due_at"], name="gov_reqstep_running_idx")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.get_kind_display()}"


class SavedQueueView(models.Model):
    """An officer's named search of the work queue (its query string), offered above the queue."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_queue_views")
    name = models.CharField(_("name"), max_length=40)
    query = models.CharField(_("search"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("saved queue view")
        verbose_name_plural = _("saved queue views")
        ordering = ["user", "name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_queue_view_name_once")]

    def __str__(self) -> str:
        return self.name
