"""Supervision (电子监察): per-county settings and escalation steps, the cards and escalations the sweep
issues, and a record of each sweep. The rules themselves live in rules.py.

Idempotency lives in the database: a request holds each card at most once (request, level) and
takes each escalation step at most once (request, step) — and once per late approval step of the request
(request step, step) — so two sweeps running at the same moment
cannot issue anything twice; each row names the sweep that issued it, which is how a sweep learns
which of its inserts won.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gov_services.catalogue.models import Department
from gov_services.requests.models.requests import FollowUp, ServiceRequest
from gov_services.requests.models.steps import RequestStep
from stations.models import Region

__all__ = ["Card", "Escalation", "EscalationStep", "FollowUpCallback", "RatingAppeal", "SupervisionCard", "SupervisionSettings", "SupervisionSweep"]


class Card(models.TextChoices):
    YELLOW = "yellow", _("Yellow card")
    RED = "red", _("Red card")


class SupervisionSettings(models.Model):
    """One county's supervision rules; defaults follow the Suning/Laoting practice (assumed figures)."""

    county = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="supervision_settings",
                                  limit_choices_to={"level": "county"}, verbose_name=_("county"))
    yellow_percent = models.PositiveSmallIntegerField(
        _("yellow card at (per cent of the time limit used)"), default=90,
        validators=[MinValueValidator(1), MaxValueValidator(299)])
    red_percent = models.PositiveSmallIntegerField(
        _("red card beyond (per cent of the time limit used)"), default=100,
        validators=[MinValueValidator(2), MaxValueValidator(300)],
        help_text=_("100: as soon as the deadline has passed."))
    returned_close_days = models.PositiveSmallIntegerField(
        _("close returned requests after (working days)"), default=20,
        validators=[MinValueValidator(1), MaxValueValidator(250)],
        help_text=_("A request waiting for the resident's supplement this long is closed by the sweep."))
    follow_up_days = models.PositiveSmallIntegerField(
        _("call back after a bad rating within (working days)"), default=15,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("A dissatisfied rating opens a follow-up: the resident is called back within this limit."))
    weight_on_time = models.PositiveSmallIntegerField(_("weight: on-time rate"), default=40,
                                                      validators=[MaxValueValidator(100)])
    weight_satisfaction = models.PositiveSmallIntegerField(_("weight: satisfaction rate"), default=30,
                                                           validators=[MaxValueValidator(100)])
    weight_red_cards = models.PositiveSmallIntegerField(_("weight: red cards"), default=20,
                                                        validators=[MaxValueValidator(100)])
    weight_follow_ups = models.PositiveSmallIntegerField(_("weight: follow-ups done"), default=10,
                                                         validators=[MaxValueValidator(100)])
    officer_share = models.PositiveSmallIntegerField(
        _("share of the officers' scores (%)"), default=0, validators=[MaxValueValidator(100)],
        help_text=_("How much of a department's monthly score comes from the mean score of its officers "
                    "(on time and their own ratings); 0: the department's figures only."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("supervision settings")
        verbose_name_plural = _("supervision settings")
        constraints = [
            models.CheckConstraint(name="supervision_yellow_before_red",
                                   condition=models.Q(yellow_percent__lt=models.F("red_percent"))),
        ]

    def __str__(self) -> str:
        return str(self.county)


class EscalationStep(models.Model):
    """One link of a county's escalation chain: when a request has held `card` for `after_days`
    working days, notify someone and/or open a task for staff. Steps are deactivated, never deleted,
    so that the escalations they issued keep pointing at them."""

    class Notify(models.TextChoices):
        NOBODY = "nobody", _("Nobody")
        ASSIGNEE = "assignee", _("The officer handling it")
        HEAD = "head", _("The department head")
        BOTH = "both", _("The officer and the department head")

    class Task(models.TextChoices):
        NONE = "none", _("No task (notification only)")
        CALL = "call", _("Supervision call by the county supervision office (督办电话)")
        INTERVIEW = "interview", _("Referral to the organisation department (约谈)")

    county = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="escalation_steps",
                               limit_choices_to={"level": "county"}, verbose_name=_("county"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label = models.CharField(_("name"), max_length=60)
    card = models.CharField(_("card"), max_length=6, choices=Card.choices)
    after_days = models.PositiveSmallIntegerField(_("after (working days holding the card)"), default=0,
                                                  validators=[MaxValueValidator(60)])
    notify = models.CharField(_("send an SMS to"), max_length=8, choices=Notify.choices, default=Notify.NOBODY)
    task = models.CharField(_("task"), max_length=9, choices=Task.choices, default=Task.NONE)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        ordering = ["county", "position", "pk"]

    def __str__(self) -> str:
        return self.label


class SupervisionSweep(models.Model):
    """One run of the sweep: when it ran, for which moment, and what it issued."""

    class Trigger(models.TextChoices):
        BEAT = "beat", _("Scheduled")
        COMMAND = "command", _("Command line")
        DEMO = "demo", pgettext_lazy("sweep trigger", "Demo data")

    at = models.DateTimeField(_("for the moment"))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    trigger = models.CharField(_("trigger"), max_length=8, choices=Trigger.choices)
    counts = models.JSONField(_("counts"), default=dict, blank=True)

    class Meta:
        verbose_name = _("supervision sweep")
        verbose_name_plural = _("supervision sweeps")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_trigger_display()}"


class SupervisionCard(models.Model):
    """A yellow or red card a request received (once per level); kept after the request is done."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="supervision_cards",
                                verbose_name=_("request"))
    level = models.CharField(_("card"), max_length=6, choices=Card.choices)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("department"))
    issued_at = models.DateTimeField(_("issued at"))
    sweep = models.ForeignKey(SupervisionSweep, on_delete=models.PROTECT, related_name="cards")

    class Meta:
        verbose_name = _("supervision card")
        verbose_name_plural = _("supervision cards")
        constraints = [models.UniqueConstraint(fields=["request", "level"], name="supervision_card_once")]
        indexes = [
            models.Index(fields=["level", "issued_at"]),
            models.Index(fields=["department", "issued_at"]),
            models.Index(fields=["sweep", "level"]),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.get_level_display()}"


class Escalation(models.Model):
    """A step of the chain taken for one request: a record staff can see and act on (call made, outcome).

    Notification-only steps are recorded as `notified`; steps with a task start `open` until someone
    records the outcome. With `request_step`, the chain was taken for one late approval step of the request
    (its own card and limit) rather than for the request as a whole.
    """

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("escalation", "Open")
        DONE = "done", pgettext_lazy("escalation", "Done")
        NOTIFIED = "notified", _("Notified")

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="escalations",
                                verbose_name=_("request"))
    step = models.ForeignKey(EscalationStep, on_delete=models.PROTECT, related_name="escalations",
                             verbose_name=_("step"))
    request_step = models.ForeignKey(RequestStep, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="escalations", verbose_name=_("approval step"))
    label = models.CharField(_("step"), max_length=60)
    card = models.CharField(_("card"), max_length=6, choices=Card.choices)
    task = models.CharField(_("task"), max_length=9, choices=EscalationStep.Task.choices)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("department"))
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("officer handling it"))
    named_person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("department head named"))
    issued_at = models.DateTimeField(_("issued at"))
    sweep = models.ForeignKey(SupervisionSweep, on_delete=models.PROTECT, related_name="escalations")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    call_made_at = models.DateTimeField(_("call made at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("recorded by"))
    handled_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "step"], condition=models.Q(request_step__isnull=True),
                                    name="escalation_step_once"),
            models.UniqueConstraint(fields=["request_step", "step"], condition=models.Q(request_step__isnull=False),
                                    name="escalation_request_step_once"),
        ]
        indexes = [
            models.Index(fields=["status", "issued_at"]),
            models.Index(fields=["sweep"]),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.label}"


class FollowUpCallback(models.Model):
    """One call back to a resident who rated a request dissatisfied (回访), as recorded by staff.

    A follow-up ends with the callback that resolves it; a callback that did not reach the resident, or
    that sends the matter back to the department (reopened), leaves it open for another call. Rows
    are never edited. `submission` is the form's one-time key: a double submit records one callback.
    """

    class Result(models.TextChoices):
        RESOLVED = "resolved", _("Resolved: the resident accepts the explanation or remedy")
        REOPENED = "reopened", _("Reopened: the department must act on it again, then call back")
        NOT_REACHED = "not_reached", _("Resident not reached: call again")

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="callbacks",
                                  verbose_name=_("follow-up"))
    called_at = models.DateTimeField(_("called at"))
    result = models.CharField(_("result"), max_length=11, choices=Result.choices)
    outcome = models.TextField(_("what the resident said and what was agreed"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    submission = models.UUIDField(unique=True)

    class Meta:
        verbose_name = _("follow-up callback")
        verbose_name_plural = _("follow-up callbacks")
        ordering = ["called_at", "pk"]

    def __str__(self) -> str:
        return f"{self.follow_up_id} {self.get_result_display()}"


class RatingAppeal(models.Model):
    """A department's appeal against a dissatisfied rating it finds unfair (申诉), decided by the county.

    One per rating (the department appeals once). Upheld sets the rating aside: it no longer counts in
    the satisfaction rate; rejected leaves it counting. `submission` is the form's one-time key.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending: the county decides")
        UPHELD = "upheld", _("Upheld: the rating is set aside")
        REJECTED = "rejected", _("Rejected: the rating stands")

    rating = models.OneToOneField("gov_services.Rating", on_delete=models.CASCADE, related_name="appeal",
                                  verbose_name=_("rating"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="rating_appeals",
                                   verbose_name=_("department"))
    score = models.PositiveSmallIntegerField(_("score appealed"))
    reason = models.TextField(_("why the rating is unfair"))
    appealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("appealed by"))
    appealed_at = models.DateTimeField(_("appealed at"), auto_now_add=True)
    submission = models.UUIDField(unique=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("the county's reasons"), blank=True)

    class Meta:
        verbose_name = _("rating appeal")
        verbose_name_plural = _("rating appeals")
        ordering = ["-appealed_at", "-pk"]
        indexes = [models.Index(fields=["status", "appealed_at"])]

    def __str__(self) -> str:
        return f"{self.rating_id} {self.get_status_display()}"
