"""Calls and what follows them: the offers to responders, the scheduled check-ins, the alerts."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from care.models.registry import CareResident, Responder, Service
from stations.models import Region


def new_call_reference() -> str:
    return "CC-" + secrets.token_hex(4).upper()


def new_nonce() -> str:
    return secrets.token_urlsafe(9)


class CareCall(models.Model):
    """A call for help from (or about) a resident on the registry, from intake to the resident's rating."""

    class Status(models.TextChoices):
        NEW = "new", _("Taken, not yet dispatched")
        OFFERED = "offered", _("Offered to a responder")
        UNASSIGNED = "unassigned", _("No responder available")
        ACCEPTED = "accepted", _("Accepted, on the way")
        ARRIVED = "arrived", _("Responder at the door")
        COMPLETED = "completed", _("Served, awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed and rated")
        CANCELLED = "cancelled", _("Cancelled")

    class Urgency(models.TextChoices):
        ROUTINE = "routine", _("Routine")
        URGENT = "urgent", _("Urgent (health)")

    class Channel(models.TextChoices):
        HOTLINE = "hotline", _("Care hotline")
        COUNTER = "counter", _("Station counter")
        LIAISON = "liaison", _("Grid liaison")
        RESIDENT = "resident", _("Resident's own call")

    OPEN_STATUSES = (Status.NEW, Status.OFFERED, Status.UNASSIGNED, Status.ACCEPTED, Status.ARRIVED)
    # The responder holds one of their places ("calls at once") while the call is in these statuses.
    LOAD_STATUSES = (Status.OFFERED, Status.ACCEPTED, Status.ARRIVED)

    reference = models.CharField(_("reference"), max_length=12, unique=True)
    idempotency_key = models.UUIDField(unique=True)
    resident = models.ForeignKey(CareResident, on_delete=models.PROTECT, related_name="calls",
                                 verbose_name=_("resident"))
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.HOTLINE)
    description = models.CharField(_("what is needed"), max_length=300)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW,
                              db_index=True)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    responder = models.ForeignKey(Responder, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="calls", verbose_name=_("responder"))
    created_at = models.DateTimeField(_("taken at"))
    dispatched_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    completion_note = models.CharField(_("note"), max_length=300, blank=True)
    amount_fen = models.BigIntegerField(_("charged to the resident (fen)"), null=True, blank=True)
    subsidy_fen = models.BigIntegerField(_("county subsidy (fen)"), default=0)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_note = models.CharField(_("comment"), max_length=300, blank=True)
    # Steps already alerted as late ("accept", "arrive", "complete") and escalated ("accept:escalated" …):
    # each (step, level) of care/clock.py's chain is raised once.
    late_steps = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("care call")
        verbose_name_plural = _("care calls")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                                   name="care_call_rating_1_to_5"),
            models.CheckConstraint(condition=models.Q(amount_fen__isnull=True) | models.Q(amount_fen__gte=0),
                                   name="care_call_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def place_path(self) -> str:
        return self.village.path

    @property
    def is_urgent(self) -> bool:
        return self.urgency == self.Urgency.URGENT

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class CareOffer(models.Model):
    """A call offered to one responder, answered on the mobile page their SMS links to (signed, this offer only)."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("Waiting for an answer")
        ACCEPTED = "accepted", pgettext_lazy("care offer", "Accepted")
        DECLINED = "declined", pgettext_lazy("care offer", "Declined")
        EXPIRED = "expired", _("No answer in time")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    call = models.ForeignKey(CareCall, on_delete=models.CASCADE, related_name="offers")
    responder = models.ForeignKey(Responder, on_delete=models.PROTECT, related_name="offers")
    position = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFERED)
    nonce = models.CharField(max_length=16, default=new_nonce)
    offered_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["call", "responder"], name="care_offer_once_per_responder"),
            models.UniqueConstraint(fields=["call", "position"], name="care_offer_position_unique"),
            # At most one offer of a call is waiting at any time.
            models.UniqueConstraint(fields=["call"], condition=models.Q(status="offered"),
                                    name="care_offer_one_waiting"),
        ]

    def __str__(self) -> str:
        return f"{self.call} → {self.responder}"


class CareCheckIn(models.Model):
    """A scheduled check-in call or visit for a resident living alone."""

    class Status(models.TextChoices):
        DUE = "due", _("Due")
        DONE = "done", _("Done")
        MISSED = "missed", _("Missed")

    resident = models.ForeignKey(CareResident, on_delete=models.CASCADE, related_name="checkins")
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DUE)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["resident", "due_on"], name="care_checkin_once_a_day")]

    def __str__(self) -> str:
        return f"{self.resident} · {self.due_on}"


class CareAlert(models.Model):
    """Something the care desk must look at: a late step of a call, a call nobody took, a missed check-in.
    `key` makes each alert once however often the sweep runs."""

    class Kind(models.TextChoices):
        LATE = "late", _("Step late")
        ESCALATED = "escalated", _("Escalated: still late")
        HELP = "help", _("Help button pressed: call back")
        UNASSIGNED = "unassigned", _("No responder available")
        MISSED_CHECKIN = "missed_checkin", _("Check-in missed")

    key = models.CharField(max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    resident = models.ForeignKey(CareResident, on_delete=models.CASCADE, related_name="alerts")
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    call = models.ForeignKey(CareCall, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts")
    message = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.message
