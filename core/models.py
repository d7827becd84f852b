from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.storage import private_storage_callable


class AuditEvent(models.Model):
    """One state change anywhere in the project: who did what to which object, when.

    Append-only: services write these, nothing edits or deletes them.
    Domain apps keep their own richer event tables (RequestEvent …) where they need them.
    """

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("actor"))
    action = models.CharField(_("action"), max_length=60)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=40)
    target_repr = models.CharField(_("target"), max_length=200)
    data = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        # The audit admin reads every event; the data officer only the views of personal data.
        permissions = [("view_personal_data_access", _("Can review views of personal data"))]
        indexes = [models.Index(fields=["target_type", "target_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"


class SmsOutboxMessage(models.Model):
    """One text message, from the moment a service asks for it until the gateway took it (or gave up).

    The record of everything sent: staff see here whether a resident was told, and retry what failed.
    Rows are written in the caller's transaction, so a rolled-back request leaves no message behind.

    `region_path` is the Region path of the place the message is about (a request's village, a parcel's
    station …), stamped when it is queued: admins see the messages of their region (empty: superusers
    only). A one-time secret in a message (a pick-up code) is masked in `text`; the clear text waits,
    encrypted, in `sealed_text` until the gateway has taken it, and is then wiped (core/sms/).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        REFUSED = "refused", _("Refused (daily limit)")

    class Delivery(models.TextChoices):
        UNKNOWN = "", _("No receipt yet")
        DELIVERED = "delivered", _("Delivered")
        UNDELIVERED = "undelivered", _("Not delivered")

    phone = models.CharField(_("mobile number"), max_length=20)
    text = models.TextField(_("text"))
    purpose = models.CharField(_("purpose"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    template_code = models.CharField(_("template code"), max_length=64, blank=True)
    sign_name = models.CharField(_("sign name"), max_length=30, blank=True)
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    region_path = models.CharField(_("region"), max_length=64, blank=True)
    sealed_text = models.TextField(_("sealed text"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    gateway_id = models.CharField(_("gateway message id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # The gateway's delivery receipt (core/sms_receipts.py): the first one counts, a replay changes nothing.
    delivery = models.CharField(_("delivery"), max_length=12, choices=Delivery.choices, blank=True, default="")
    delivered_at = models.DateTimeField(_("receipt at"), null=True, blank=True)
    delivery_error = models.CharField(_("receipt code"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        ordering = ["-created_at", "-pk"]
        # Django hangs a permission on a model: the system admin's (health details, /metrics) lives here.
        permissions = [("view_operations", _("Can see health details and metrics"))]
        indexes = [
            models.Index(fields=["status", "created_at"], name="core_sms_status_created"),
            models.Index(fields=["purpose", "created_at"], name="core_sms_purpose_created"),
            models.Index(fields=["reference"], name="core_sms_reference"),
            models.Index(fields=["region_path", "created_at"], name="core_sms_region_created"),
            models.Index(fields=["gateway_id"], name="core_sms_gateway_id"),
            models.Index(fields=["phone", "purpose", "created_at"], name="core_sms_phone_purpose"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} → {self.phone} ({self.status})"


class SmsTemplate(models.Model):
    """The SMS template a county (or, with an empty region, the whole platform) had approved by its
    gateway for one purpose (core/sms/): what a message of that purpose about a place in the region is
    sent with. Set up by county admins on /county/sms/templates/; every change is audited."""

    purpose = models.CharField(_("purpose"), max_length=40)
    region_path = models.CharField(_("region"), max_length=64, blank=True)
    template_code = models.CharField(_("template code"), max_length=64)
    sign_name = models.CharField(_("sign name"), max_length=30)
    content = models.TextField(_("approved wording"), blank=True)
    param_names = models.JSONField(_("variables"), default=list, blank=True)
    approved = models.BooleanField(_("approved by the gateway"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("updated by"))

    class Meta:
        verbose_name = _("SMS template")
        verbose_name_plural = _("SMS templates")
        ordering = ["region_path", "purpose"]
        constraints = [models.UniqueConstraint(fields=["region_path", "purpose"], name="core_smstemplate_region_purpose")]

    def __str__(self) -> str:
        return f"{self.purpose} @ {self.region_path or '*'}: {self.template_code}"


class ImportJob(models.Model):
    """A spreadsheet import run in the background (Celery), with its progress and, once finished,
    its report (what was created and updated, or every problem by line) for the page to show.

    Status moves only through core/import_jobs.py (queued → running → done | failed). "Done" means
    the file was checked: the report says whether it was imported or refused. The uploaded file is
    private and deleted once the job is finished; its SHA-256 stays, so that the same file sent
    twice while the first is still waiting starts one job.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Checking and importing")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    TRANSITIONS = {
        Status.QUEUED: {Status.RUNNING, Status.FAILED},
        Status.RUNNING: {Status.DONE, Status.FAILED},
        Status.DONE: set(),
        Status.FAILED: set(),
    }

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs",
                             verbose_name=_("started by"))
    kind = models.CharField(_("import"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    idempotency_key = models.UUIDField(_("idempotency key"), unique=True)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True, storage=private_storage_callable)
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=120, blank=True)
    result = models.JSONField(_("report"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    started_at = models.DateTimeField(_("running since"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "kind", "sha256"], name="core_import_user_kind_sha")]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ChainSeal(models.Model):
    """One link of a hash chain over an append-only event table (core/audit_chain.py): event `event_id`
    is the `seq`-th sealed, and `digest` = H(previous link's digest + the event's canonical form), H the
    link's `algorithm`: sha256, or sm3 (国密) for links sealed under settings.DIGEST_ALGORITHM = "sm3".
    Append-only (triggers). Changing, removing or slipping in an event, or removing or rewriting a link, is
    found by `manage.py audit_chain_verify`."""

    seq = models.BigIntegerField(_("position in the chain"), unique=True)
    event_id = models.BigIntegerField(_("audit event"), unique=True)
    event_at = models.DateTimeField(_("event at"))
    algorithm = models.CharField(_("algorithm"), max_length=10, default="sha256")
    digest = models.CharField(_("digest"), max_length=64)
    sealed_at = models.DateTimeField(_("sealed at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["seq"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"#{self.seq} {self.digest[:12]}…"


class AuditSeal(ChainSeal):
    """A link of the chain over the audit trail (AuditEvent)."""

    class Meta(ChainSeal.Meta):
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")


class PersonalDataItem(models.Model):
    """One line of the inventory of personal data (个人信息清单, PIPL art. 51): which field holds what,
    why, on what legal basis, who sees it in full and how long it is kept. Kept as data: the data officer
    reads it at /ops/personal-data/ and the security admin keeps it up to date; a test fails when a model
    gains a personal-data field the inventory does not list (tests/core/test_personal_data.py)."""

    class Category(models.TextChoices):
        NAME = "name", _("Name")
        ID_NUMBER = "id_number", _("ID number")
        PHONE = "phone", _("Mobile number")
        ADDRESS = "address", _("Address")
        LOCATION = "location", _("Location")
        DOCUMENT = "document", _("Scanned document or signature")
        HEALTH = "health", _("Health or vulnerability (sensitive)")
        MESSAGE = "message", _("Message text")
        OTHER = "other", _("Other")

    class LegalBasis(models.TextChoices):
        # 个人信息保护法 第十三条
        CONSENT = "consent", _("Consent of the person (art. 13 (1))")
        CONTRACT = "contract", _("Needed for a contract with the person (art. 13 (2))")
        LEGAL_DUTY = "legal_duty", _("Statutory duty or obligation (art. 13 (3))")
        PUBLIC_HEALTH = "public_health", _("Public health emergency or protecting life (art. 13 (4))")
        PUBLIC_INTEREST = "public_interest", _("Public interest reporting (art. 13 (5))")
        STATE_ORGAN = "state_organ", _("Statutory duties of a state organ (art. 34)")

    field = models.CharField(_("field"), max_length=100, unique=True,
                             help_text=_("app_label.Model.field, e.g. stations.Household.phone"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    purpose = models.TextField(_("purpose"))
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices)
    full_view = models.CharField(_("who sees it in full"), max_length=200)
    masked_in_lists = models.BooleanField(_("masked in lists"), default=True)
    retention = models.CharField(_("retention"), max_length=200)
    sensitive = models.BooleanField(_("sensitive personal information"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("personal data item")
        verbose_name_plural = _("personal data inventory")
        ordering = ["field"]

    def __str__(self) -> str:
        return self.field


class RetentionRun(models.Model):
    """One pass of the retention job (core/retention.py): what each rule removed or anonymised, with the
    period and the cut-off it used. The data officer's report that the inventory's periods are kept."""

    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    outcome = models.JSONField(_("outcome"), default=dict, blank=True,
                               help_text=_("Per rule: days kept, cut-off, records affected."))

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"


class PersonalDataRequest(models.Model):
    """A resident's request about their own personal data (个人信息保护法 art. 46, 47): correct it or delete
    it. The data officer answers by `due_on` (PERSONAL_DATA_REQUEST_DAYS after it came in). A copy of the
    data is no request: the resident downloads it at once (core/personal_data_export.py)."""

    class Kind(models.TextChoices):
        CORRECT = "correct", _("Correct my data")
        DELETE = "delete", _("Delete my data")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        DONE = "done", pgettext_lazy("data request", "Done")
        REFUSED = "refused", _("Refused, with reasons")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="personal_data_requests",
                             verbose_name=_("resident"))
    kind = models.CharField(_("request"), max_length=10, choices=Kind.choices)
    details = models.TextField(_("what and why"), max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    due_on = models.DateField(_("answer due by"))
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("handled by"))
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    reply = models.TextField(_("answer"), max_length=2000, blank=True)
    idempotency_key = models.UUIDField(unique=True)

    class Meta:
        verbose_name = _("personal data request")
        verbose_name_plural = _("personal data requests")
        ordering = ["-submitted_at", "-pk"]
        default_permissions = ("view", "change")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
