"""One page for an import that is previewed before it is applied (core/import_jobs.py).

GET shows the upload form and, with ?job=<id>, that job: its progress, then its report — for a
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


class PreviewImportView(View):
    """Mix in a workspace mixin first (LoginRequired); set the attributes below."""

    kind = ""
    template_name = "core/import_preview_page.html"
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
            return HttpResponseRedirect(f"{request.path}?job={job.pk}")
        form = self.form_class(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form, status=422)
        job = self.preview(user=request.user, upload=form.cleaned_data["file"],
                           idempotency_key=form.cleaned_data["idempotency_key"])
        return HttpResponseRedirect(f"{request.path}?job={job.pk}")

    def render(self, form, status: int = 200, errors=()):
        context = {"form": form, "columns": self.columns, "title": self.title, "format_help": self.format_help,
                   "errors": [*form.non_field_errors(), *errors], **self.page_context()}
        if "job" in self.request.GET:
            job = access_import_job_by_id(user=self.request.user, job_id=self.request.GET["job"], kind=self.kind)
            context.update(job=job, report=import_job_report(job), is_preview=import_job_is_preview(job),
                           applied=import_job_applied(job) if import_job_is_preview(job) else None,
                           apply_key=uuid.uuid4(), status_url=f"{self.request.path}?job={job.pk}&status=1")
        return TemplateResponse(self.request, self.template_name, context, status=status)


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
