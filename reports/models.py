from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.state_machine import StateMachine
from core.storage import private_storage_callable


class ReportJob(models.Model):
    """A report or export built in the background (Celery), with its progress for the page to show.

    Status moves only through reports/services.py (queued → running → done | failed). The file is
    private: only the user who asked for it downloads it, through an access-checked view.
    """

    class Kind(models.TextChoices):
        GOV_KPIS = "gov_kpis", _("Government-service KPIs")
        REQUEST_ROWS = "request_rows", _("Requests, one row each")
        COMMISSIONS = "commissions", _("Commission report")
        COMMISSION_ROWS = "commission_rows", _("Commission transactions, one row each")
        SHOP_SALES = "shop_sales", _("Store sales report")

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"
        CSV = "csv", "CSV"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    TRANSITIONS = StateMachine.from_moves(Status, {
        Status.QUEUED: {Status.RUNNING, Status.FAILED},
        Status.RUNNING: {Status.DONE, Status.FAILED},
    }, refused=_("A report job cannot go from “%(from)s” to “%(to)s”."))

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_jobs",
                             verbose_name=_("asked for by"))
    idempotency_key = models.UUIDField(_("idempotency key"), unique=True)
    kind = models.CharField(_("report"), max_length=20, choices=Kind.choices)
    file_format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=120, blank=True)
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True, storage=private_storage_callable)
    filename = models.CharField(_("file name"), max_length=120, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("asked for at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_file_format_display()}) #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class RequestRollup(models.Model):
    """Service requests counted by the local day they were filed, their place, department, item, category,
    channel and the local day they were completed (NULL while open): what the report pages read instead of
    the requests (reports/rollups.py keeps it; `manage.py report_rollups --check` compares it with a
    recount).

    One row per distinct cell. The completion day in the cell is the exact histogram the medians come
    from: working days between `day` and `completed_day` are counted when a report runs, with the
    calendar of that moment, so an edited holiday never leaves a stale figure. A request's village and
    station are its own (not its station's village): the scope module's place rule reads them as it reads
    the request's. Rows are recounted per (day, station, village) — a station's or a village's own rows,
    never a township's — in the transaction that changed the request."""

    day = models.DateField()
    village = models.ForeignKey("stations.Region", on_delete=models.DO_NOTHING, db_constraint=False, null=True,
                                related_name="+")
    station = models.ForeignKey("stations.Station", on_delete=models.DO_NOTHING, db_constraint=False, null=True,
                                related_name="+")
    department = models.ForeignKey("gov_services.Department", on_delete=models.DO_NOTHING, db_constraint=False,
                                   related_name="+")
    item = models.ForeignKey("gov_services.ServiceItem", on_delete=models.DO_NOTHING, db_constraint=False,
                             null=True, related_name="+")
    appeal_category = models.CharField(max_length=15, blank=True)
    channel = models.CharField(max_length=10)
    completed_day = models.DateField(null=True)
    received = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    completed_on_time = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    follow_ups = models.PositiveIntegerField(default=0)
    returns = models.PositiveIntegerField(default=0)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["day"], name="reports_rollup_day_idx"),
            models.Index(fields=["village", "day"], name="reports_rollup_village_idx"),
            models.Index(fields=["station", "day"], name="reports_rollup_station_idx"),
            models.Index(fields=["department", "day"], name="reports_rollup_dept_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.station_id or self.village_id}: {self.received}"
