"""Views every app mounts for itself."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.utils.cache import patch_cache_control
from django.views import View

from core.import_jobs import access_import_job_by_id, import_job_status
from core.service_errors import errors_onto


class ServiceFormView(View):
    """A form whose saving is one service call. GET shows the form; POST validates it, `save(data)` calls
    the service, and `after_save(result)` (which may add a message) says where the browser goes next. A form
    error or the service's refusal (a ValidationError, placed on the fields it names) shows the form again
    with what was typed, answered 422. Subclasses give form(data=None), render_form(form, status), save and
    after_save."""

    def get(self, request, *args, **kwargs):
        return self.render_form(self.form())

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                result = self.save(form.cleaned_data)
            except ValidationError as error:
                errors_onto(form, error)
            else:
                return HttpResponseRedirect(self.after_save(result))
        return self.render_form(form, status=422)


class ImportJobStatusView(LoginRequiredMixin, View):
    """An import job's progress as JSON for its page's progress bar; only for the user who started
    it. An app mounts it with its own kind: `ImportJobStatusView.as_view(kind=…)`."""

    kind = ""

    def get(self, request, pk):
        job = access_import_job_by_id(user=request.user, job_id=pk, kind=self.kind)
        response = JsonResponse(import_job_status(job))
        patch_cache_control(response, private=True, no_store=True)
        return response
