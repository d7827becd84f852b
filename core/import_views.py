"""Import pages (core/import_jobs.py): the part every one shares (ImportPageMixin: the job the page follows,
shown by core/templates/core/import_preview_page.html), and one whole page for an import that is previewed
before it is applied (PreviewImportView).

PreviewImportView: GET shows the upload form and, with ?job=<id>, that job: its progress, then its report — for a
preview, what the file would create, change and refuse row by row, with an "Import" button when
nothing is refused; for an applied file, what it did. ?job=<id>&status=1 answers the progress bar's
JSON. POST with a file starts a preview; POST with `apply=<preview id>` applies it. Jobs are the
user's own (404 for anyone else's). Subclasses say who may import (`allowed`) and what.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import View

from core.forms import ImportUploadForm
from core.http import int_or_none
from core.import_jobs import (
    access_import_job_by_id,
    import_job_applied,
    import_job_is_preview,
    import_job_report,
)
from core.views import ImportJobStatusView


class ImportPageMixin:
    """The job an import page follows (?job=<id>: the user's own, a 404 for anyone else's) with its report,
    and the way back to the page after an upload. Set `kind` (or override import_kind)."""

    kind = ""
    template_name = "core/import_preview_page.html"

    def import_kind(self) -> str:
        return self.kind

    def job_report(self, job):
        return import_job_report(job)

    def job_status_url(self, job) -> str:
        """Where the progress bar asks for the job's progress (JSON)."""
        return f"{self.request.path}?job={job.pk}&status=1"

    def job_context(self) -> dict:
        """job, report, is_preview and status_url for the template; {} without ?job=."""
        if "job" not in self.request.GET:
            return {}
        job = access_import_job_by_id(user=self.request.user, job_id=self.request.GET["job"], kind=self.import_kind())
        return {"job": job, "report": self.job_report(job), "is_preview": import_job_is_preview(job),
                "status_url": self.job_status_url(job)}

    def to_job(self, job, page: str | None = None) -> HttpResponseRedirect:
        """Back to the import page (this one unless `page` is given), following `job`."""
        return HttpResponseRedirect(f"{page or self.request.path}?job={job.pk}")


class PreviewImportView(ImportPageMixin, View):
    """Mix in a workspace mixin first (LoginRequired); set the attributes below."""

    form_class = ImportUploadForm
    columns = ()
    title = ""
    format_help = ""
    refusal = ""

    def allowed(self, user) -> bool:
        raise NotImplementedError

    def preview(self, *, user, upload, idempotency_key: uuid.UUID):
        raise NotImplementedError

    def apply(self, *, user, preview_id: int, idempotency_key: uuid.UUID):
        raise NotImplementedError

    def page_context(self) -> dict:
        """Breadcrumbs and links: {"back_url", "back_label", "done_url", "done_label"}."""
        return {}

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.allowed(request.user):
            raise PermissionDenied(self.refusal or _("You may not import this."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if "job" in request.GET and "status" in request.GET:
            return ImportJobStatusView.as_view(kind=self.kind)(request, pk=request.GET["job"])
        return self.render(self.form_class())

    def post(self, request, *args, **kwargs):
        if "apply" in request.POST:
            key = uuid.UUID(request.POST["idempotency_key"]) if _is_uuid(request.POST.get("idempotency_key")) \
                else uuid.uuid4()
            preview_id = int_or_none(request.POST["apply"])
            if preview_id is None:
                return self.render(self.form_class(), status=400)
            try:
                job = self.apply(user=request.user, preview_id=preview_id, idempotency_key=key)
            except ValidationError as error:
                return self.render(self.form_class(), status=422, errors=error.messages)
            return self.to_job(job)
        form = self.form_class(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form, status=422)
        job = self.preview(user=request.user, upload=form.cleaned_data["file"],
                           idempotency_key=form.cleaned_data["idempotency_key"])
        return self.to_job(job)

    def render(self, form, status: int = 200, errors=()):
        context = {"form": form, "columns": self.columns, "title": self.title, "format_help": self.format_help,
                   "errors": list(errors), **self.page_context(), **self.job_context()}
        if context.get("is_preview"):
            context.update(applied=import_job_applied(context["job"]), apply_key=uuid.uuid4())
        return TemplateResponse(self.request, self.template_name, context, status=status)


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
