"""Views every app mounts for itself."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import JsonResponse
from django.utils.cache import patch_cache_control
from django.views import View

from core.import_jobs import access_import_job_by_id, import_job_status


class ImportJobStatusView(LoginRequiredMixin, View):
    """An import job's progress as JSON for its page's progress bar; only for the user who started
    it. An app mounts it with its own kind: `ImportJobStatusView.as_view(kind=…)`."""

    kind = ""

    def get(self, request, pk):
        job = access_import_job_by_id(user=request.user, job_id=pk, kind=self.kind)
        response = JsonResponse(import_job_status(job))
        patch_cache_control(response, private=True, no_store=True)
        return response
