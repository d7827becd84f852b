"""Residents' rights over their personal data (core/personal_data_requests.py): the resident's page
/me/data/ (what is held, a copy as a file, correction or deletion requests) and the data officer's queue
/ops/data-requests/ (answer each by its due day)."""

import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import View

from core.http import site_file_response
from core.models import PersonalDataRequest
from core.personal_data_requests import (
    personal_data_collect,
    personal_data_export,
    personal_data_request_answer,
    personal_data_request_queue,
    personal_data_request_submit,
    personal_data_requests_of,
)
from core.timeutil import local_date


def _errors(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


class MyDataView(LoginRequiredMixin, View):
    def get(self, request, *, errors=None, status=200):
        return TemplateResponse(request, "accounts/my_data.html", {
            "sections": personal_data_collect(user=request.user),
            "requests": personal_data_requests_of(user=request.user), "kinds": PersonalDataRequest.Kind.choices,
            "errors": errors or {}, "posted": request.POST if errors else {},
            "idempotency_key": request.POST.get("idempotency_key") if errors else uuid.uuid4(),
        }, status=status)

    def post(self, request):
        try:
            personal_data_request_submit(user=request.user, kind=request.POST.get("kind", ""),
                                         details=request.POST.get("details", ""),
                                         idempotency_key=request.POST.get("idempotency_key", ""))
        except ValidationError as error:
            return self.get(request, errors=_errors(error), status=422)
        messages.success(request, _("Your request is filed. The county answers it here by the date shown."))
        return redirect("accounts:my-data")


class MyDataExportView(LoginRequiredMixin, View):
    def get(self, request):
        return site_file_response(personal_data_export(user=request.user), filename=f"我的个人信息-{local_date():%Y%m%d}.json",
                                  content_type="application/json; charset=utf-8")


class DataRequestQueueView(LoginRequiredMixin, View):
    def get(self, request):
        return TemplateResponse(request, "accounts/ops_data_requests.html", {
            "rows": personal_data_request_queue(user=request.user)[:200], "today": local_date()})


class DataRequestAnswerView(LoginRequiredMixin, View):
    def _row(self, request, pk):
        return get_object_or_404(personal_data_request_queue(user=request.user), pk=pk)

    def get(self, request, pk, *, errors=None, status=200):
        return TemplateResponse(request, "accounts/ops_data_request.html", {
            "row": self._row(request, pk), "errors": errors or {}, "posted": request.POST if errors else {},
            "statuses": [(PersonalDataRequest.Status.DONE, PersonalDataRequest.Status.DONE.label),
                         (PersonalDataRequest.Status.REFUSED, PersonalDataRequest.Status.REFUSED.label)],
            "today": local_date(),
        }, status=status)

    def post(self, request, pk):
        row = self._row(request, pk)
        try:
            personal_data_request_answer(actor=request.user, request_id=row.pk, status=request.POST.get("status", ""),
                                         reply=request.POST.get("reply", ""))
        except ValidationError as error:
            return self.get(request, pk, errors=_errors(error), status=422)
        messages.success(request, _("The answer is recorded; the resident sees it on their data page."))
        return redirect("accounts:ops-data-requests")
