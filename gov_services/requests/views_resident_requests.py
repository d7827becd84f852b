"""The resident's own requests (/me/requests/ …): the list, a request's page, resubmitting the
missing material (补正), rating and re-rating.

Signed-in residents only, and only the requests filed for their account (another's → 404). The
workflow refuses a second resubmit or rating, so a double click or a resend is answered with a
message; every result is shown on a page that can be reloaded safely (post/redirect/get).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.http import safe_next
from core.masking import mask_id_number
from gov_services.catalogue import eforms
from gov_services.models import ServiceRequest
from gov_services.requests.display import with_row_display
from gov_services.requests.forms_reports import AddInformationForm
from gov_services.requests.forms_resident import RatingForm, ResubmitForm
from gov_services.requests.selectors.drafts import resident_drafts
from gov_services.requests.selectors.reports import followed_reports, report_row
from gov_services.requests.selectors.requests import resident_request_list
from gov_services.requests.services import (
    service_request_rate,
    service_request_rerate,
    service_request_resubmit,
)
from gov_services.requests.views_resident_common import (
    RERATE_REFUSALS,
    _errors_to_forms,
    error_summary,
    rating_message,
    request_summary,
)
from gov_services.requests.workflow import OPEN_STATUSES

Status = ServiceRequest.Status


def _own_request_or_404(user, pk: int) -> ServiceRequest:
    """One of the user's own requests (filed for their account); 404 for anyone else's."""
    service_request = resident_request_list(user=user).select_related("village").filter(pk=pk).first()
    if service_request is None:
        raise Http404(_("There is no such request among yours."))
    return service_request


class ResidentServiceRequestListView(LoginRequiredMixin, View):
    """/me/requests/: the requests filed for the signed-in account, newest first."""

    template_name = "gov_services/resident_request_list.html"
    paginate_by = 20

    def get(self, request):
        page = Paginator(resident_request_list(user=request.user), self.paginate_by).get_page(request.GET.get("page"))
        rows = [{"req": r, "title": r.item.name if r.item_id else (r.subject or r.get_appeal_category_display()),
                 "tracking_code": r.code_display, "deadline": r.deadline}
                for r in with_row_display(page.object_list)]
        followed = [report_row(r) for r in followed_reports(user=request.user)[:20]]
        return TemplateResponse(request, self.template_name, {"page_obj": page, "rows": rows, "followed": followed,
                                                              "drafts": resident_drafts(user=request.user)})


class _ResidentRequestMixin(LoginRequiredMixin):
    template_name = "gov_services/resident_request_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.service_request = _own_request_or_404(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def render(self, *, resubmit_form=None, eform=None, rating_form=None, rerate_form=None, status=200):
        req = self.service_request
        summary = request_summary(req)
        if req.status == Status.RETURNED:
            resubmit_form = resubmit_form or ResubmitForm(item=req.item, prefix="resubmit")
            if eform is None and req.item_id and req.item.form_schema:
                eform = eforms.build_form(req.item.form_schema, initial=req.form_data)
        schema = req.item.form_schema if req.item_id else []
        return TemplateResponse(self.request, self.template_name, {
            **summary,
            "masked_id": mask_id_number(req.applicant_id_number),
            "form_rows": eforms.display_rows(schema, req.form_data, mask=True),
            "attachments": req.attachments.select_related("material").order_by("uploaded_at", "pk"),
            "resubmit_form": resubmit_form, "eform": eform,
            "material_fields": resubmit_form.material_fields() if resubmit_form else [],
            "rating_form": rating_form or (RatingForm(prefix="rating") if summary["can_rate"] else None),
            "rerate_form": rerate_form or (RatingForm(prefix="rerate") if summary["can_rerate"] else None),
            # A problem the resident reported: they may add to it while it is open (views_reports).
            "info_form": AddInformationForm(prefix="info") if req.kind == ServiceRequest.Kind.APPEAL
            and req.channel == ServiceRequest.Channel.WEB and req.status in OPEN_STATUSES else None,
            "errors": error_summary(resubmit_form if resubmit_form and resubmit_form.is_bound else None,
                                    eform if eform is not None and eform.is_bound else None,
                                    rating_form, rerate_form),
        }, status=status)


class ResidentServiceRequestDetailView(_ResidentRequestMixin, View):
    """/me/requests/<pk>/: status, deadline, timeline, what is missing, resubmit and rate."""

    def get(self, request, pk):
        return self.render()


class ServiceRequestResubmitView(_ResidentRequestMixin, View):
    """POST /me/requests/<pk>/resubmit/: send the missing material (补正)."""

    def get(self, request, pk):
        return redirect("gov_services:resident-service-request-detail", pk=pk)

    def post(self, request, pk):
        req = self.service_request
        form = ResubmitForm(request.POST, request.FILES, item=req.item, prefix="resubmit")
        schema = req.item.form_schema if req.item_id else []
        eform = eforms.build_form(schema, data=request.POST) if schema else None
        form_ok, eform_ok = form.is_valid(), eform is None or eform.is_valid()
        if not (form_ok and eform_ok):
            return self.render(resubmit_form=form, eform=eform)
        try:
            service_request_resubmit(
                request=req, actor=request.user, note=form.cleaned_data["note"],
                form_data=eforms.to_json_data(schema, eform.cleaned_data) if eform else None,
                attachments=form.uploads())
        except PermissionDenied as error:
            raise Http404(str(error)) from error
        except ValidationError as error:
            if getattr(error, "code", None) == "illegal_transition":
                messages.info(request, _("This request is no longer waiting for material; it may already "
                                         "have been sent."))
                return redirect("gov_services:resident-service-request-detail", pk=pk)
            _errors_to_forms(error, form, eform)
            return self.render(resubmit_form=form, eform=eform)
        messages.success(request, _("Thank you. Your material has been sent to the department."))
        return redirect("gov_services:resident-service-request-detail", pk=pk)


class ServiceRequestRateView(_ResidentRequestMixin, View):
    """POST /me/requests/<pk>/rate/: the resident's one rating; also used from the tracking page
    (`next` brings the resident back there)."""

    def get(self, request, pk):
        return redirect("gov_services:resident-service-request-detail", pk=pk)

    def post(self, request, pk):
        req = self.service_request
        back = safe_next(request, request.POST.get("next")) or reverse(
            "gov_services:resident-service-request-detail", kwargs={"pk": pk})
        form = RatingForm(request.POST, prefix="rating")
        if not form.is_valid():
            return self.render(rating_form=form)
        try:
            service_request_rate(request=req, actor=request.user, score=form.cleaned_data["score"],
                                 comment=form.cleaned_data["comment"],
                                 officer_score=form.cleaned_data.get("officer_score"))
        except PermissionDenied as error:
            raise Http404(str(error)) from error
        except ValidationError as error:
            if getattr(error, "code", None) == "illegal_transition":
                messages.info(request, _("This request has already been rated. Each request is rated once."))
                return redirect(back)
            for message in error.messages:
                form.add_error(None, message)
            return self.render(rating_form=form)
        messages.success(request, rating_message(form.cleaned_data["score"]))
        return redirect(back)


class ServiceRequestRerateView(_ResidentRequestMixin, View):
    """POST /me/requests/<pk>/rerate/: the one re-rating after the department's callback resolved the
    follow-up of a dissatisfied rating."""

    def get(self, request, pk):
        return redirect("gov_services:resident-service-request-detail", pk=pk)

    def post(self, request, pk):
        back = reverse("gov_services:resident-service-request-detail", kwargs={"pk": pk})
        form = RatingForm(request.POST, prefix="rerate")
        if not form.is_valid():
            return self.render(rerate_form=form)
        try:
            service_request_rerate(request=self.service_request, actor=request.user,
                                   score=form.cleaned_data["score"], comment=form.cleaned_data["comment"])
        except PermissionDenied as error:
            raise Http404(str(error)) from error
        except ValidationError as error:
            if getattr(error, "code", None) in RERATE_REFUSALS:
                messages.info(request, " ".join(error.messages))
                return redirect(back)
            for message in error.messages:
                form.add_error(None, message)
            return self.render(rerate_form=form)
        messages.success(request, _("Thank you for rating again."))
        return redirect(back)

