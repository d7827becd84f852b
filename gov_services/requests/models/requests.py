from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.masking import mask_id_number
from core.models import ChainSeal
from core.storage import private_storage_callable
from gov_services.catalogue.models import Department, ServiceItem
from stations.models import Region, Station


class ServiceRequest(models.Model):
    """A resident's application for a catalogue item, or an appeal (诉求) in free text.

    Status moves only through gov_services/requests/workflow.py's transition table; every move
    appends a RequestEvent. Working-day deadlines come from gov_services/requests/deadlines.py.
    """

    class Kind(models.TextChoices):
        APPLICATION = "application", _("Application")
        APPEAL = "appeal", _("Appeal")

    class AppealCategory(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        CONSULTATION = "consultation", _("Consultation")
        HELP = "help", _("Request for help")
        RIGHTS = "rights", _("Rights protection")
        SUGGESTION = "suggestion", _("Suggestion")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for supplement")
        REJECTED = "rejected", _("Not accepted")
        ACCEPTED = "accepted", _("Accepted")
        UNDER_REVIEW = "under_review", _("Under review")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        COMPLETED = "completed", _("Completed")
        RATED = "rated", _("Rated")
        CLOSED = "closed", _("Closed")

    class Channel(models.TextChoices):
        COUNTER = "counter", _("Station counter")
        WEB = "web", _("Web")
        PHONE = "phone", _("Phone")
        WECHAT = "wechat", _("WeChat")
        LIAISON = "liaison", _("Grid liaison")
        API = "api", _("API")

    class Consent(models.TextChoices):
        SIGNATURE = "signature", _("Signature on the pad")
        SMS_CODE = "sms_code", _("SMS code")
        WITNESSED = "witnessed", _("Witnessed")
        SELF = "self", _("Filed by the resident")

    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True)
    idempotency_key = models.UUIDField(_("idempotency key"), unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, null=True, blank=True, related_name="requests",
                             verbose_name=_("service item"))
    appeal_category = models.CharField(_("appeal category"), max_length=15, choices=AppealCategory.choices,
                                       blank=True)
    subject = models.CharField(_("subject"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    # A point on the map (WGS-84, as a phone's GPS and Open311 give it), where the resident says the problem is.
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    # The resident agreed that the problem (never who reported it) may be shown on the public list and map.
    is_public = models.BooleanField(_("may be shown publicly"), default=False)

    applicant_name = models.CharField(_("applicant"), max_length=60)
    applicant_id_number = models.CharField(_("ID card number"), max_length=18)
    applicant_phone = models.CharField(_("phone"), max_length=11)
    applicant_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="service_requests", verbose_name=_("resident account"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="filed_requests", verbose_name=_("filed by"))
    consent = models.CharField(_("consent"), max_length=10, choices=Consent.choices)
    signature = models.FileField(_("signature"), upload_to="signatures/%Y/%m/", blank=True,
                                 storage=private_storage_callable)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    station = models.ForeignKey(Station, on_delete=models.PROTECT, null=True, blank=True, related_name="requests",
                                verbose_name=_("station"))
    village = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="requests",
                                verbose_name=_("village"))
    form_data = models.JSONField(_("form data"), default=dict, blank=True)

    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.SUBMITTED)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="requests",
                                   verbose_name=_("department"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="assigned_requests", verbose_name=_("assignee"))
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    paused_at = models.DateTimeField(_("clock paused at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["department", "status", "due_at"]),
            models.Index(fields=["station", "submitted_at"]),
            models.Index(fields=["status", "due_at"]),
            # Reports take the requests received in a period: a range scan, not every request ever filed;
            # a county's, by its villages (with the station index above for requests filed at a counter).
            models.Index(fields=["submitted_at"], name="gov_request_submitted_at_idx"),
            models.Index(fields=["village", "submitted_at"], name="gov_request_village_sub_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="application_has_item_appeal_has_category",
                condition=(models.Q(kind="application", item__isnull=False)
                           | models.Q(kind="appeal", item__isnull=True) & ~models.Q(appeal_category="")),
            ),
        ]

    # Where a request is, for scope (stations/scope): its village, else its station's village, else
    # its department's region. The lookups, in that order, and the path of one request:
    PLACE = ("village__path", "station__village__path", "department__region__path")

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.item or self.subject}"

    @property
    def place_path(self) -> str:
        if self.village_id:
            return self.village.path
        return self.station.village.path if self.station_id else self.department.region.path

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.applicant_id_number)


class RequestEvent(models.Model):
    """One step in a request's life. Never edited; the timeline is these rows in order."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=15, blank=True)
    to_status = models.CharField(_("to"), max_length=15, blank=True)
    note = models.TextField(_("note"), blank=True)
    internal = models.BooleanField(_("internal"), default=False, help_text=_("Hidden from the resident"))
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.action} {self.from_status}→{self.to_status}"


class RequestEventSeal(ChainSeal):
    """A link of the hash chain over the requests' timelines (RequestEvent; core/audit_chain.py,
    gov_services/requests/event_chain.py): `event_id` is the request event's id."""

    class Meta(ChainSeal.Meta):
        verbose_name = _("request event seal")
        verbose_name_plural = _("request event seals")


class Attachment(models.Model):
    """A scan attached to a request; checked by content, stored outside MEDIA's public URL space."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="attachments")
    material = models.ForeignKey("gov_services.RequiredMaterial", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("material"))
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/", storage=private_storage_callable)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class Rating(models.Model):
    """The resident's one rating of a completed request (Chongqing's five-level scale)."""

    class Score(models.IntegerChoices):
        VERY_SATISFIED = 5, _("Very satisfied")
        SATISFIED = 4, _("Satisfied")
        BASICALLY_SATISFIED = 3, _("Basically satisfied")
        DISSATISFIED = 2, _("Dissatisfied")
        VERY_DISSATISFIED = 1, _("Very dissatisfied")

    SATISFIED_SCORES = (Score.VERY_SATISFIED, Score.SATISFIED, Score.BASICALLY_SATISFIED)

    request = models.OneToOneField(ServiceRequest, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(_("score"), choices=Score.choices,
                                             validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(auto_now_add=True)
    # The re-rating after a resolved callback (回访后再评价): it replaces `score`, which is what counts;
    # the first score and comment are kept here. Only one re-rating: `rerated_at` set means done.
    original_score = models.PositiveSmallIntegerField(_("first score"), choices=Score.choices, null=True,
                                                      blank=True)
    original_comment = models.TextField(_("first comment"), blank=True)
    rerated_at = models.DateTimeField(_("re-rated at"), null=True, blank=True)
    # The county upheld the department's appeal: the rating no longer counts in the satisfaction rate.
    set_aside = models.BooleanField(_("set aside on appeal"), default=False)
    # The resident's rating of the officer who handled the request (五级评价 per person, as 好差评 does):
    # optional; `officer` is who handled it when the rating was given.
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="officer_ratings", verbose_name=_("officer rated"))
    officer_score = models.PositiveSmallIntegerField(_("officer's score"), choices=Score.choices, null=True,
                                                     blank=True,
                                                     validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"{self.request_id} {self.get_score_display()}"


class FollowUp(models.Model):
    """Opened when a resident rates dissatisfied or worse: the department must call back."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    request = models.OneToOneField(ServiceRequest, on_delete=models.CASCADE, related_name="follow_up")
    status = models.CharField(_("status"), max_length=5, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"{self.request_id} {self.get_status_display()}"
