"""Requests that reach the county platform without a station: a call to the hotline or a WeChat
message, logged by township or county staff (/county/requests/new/). The service routes them like
any appeal; the village decides the routing and who may see it."""

import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from gov_services.models import ServiceRequest
from gov_services.requests.forms_counter import RelayedAppealForm, ScanUploadForm
from gov_services.requests.services import MAX_ATTACHMENT_BYTES, service_request_submit
from gov_services.requests.views_counter_common import place_service_errors
from stations.models import Region
from stations.scope import scope_for
from stations.selectors import region_list

VILLAGE_LEVELS = (Region.Level.VILLAGE, Region.Level.COMMUNITY)


class RelayedAppealCreateView(LoginRequiredMixin, View):
    """Log an appeal told by phone or WeChat; then show it in the admins' request list."""

    template_name = "gov_services/county_intake_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not scope_for(request.user).is_county_staff:
            raise PermissionDenied(_("Calls and messages are logged by township and county admins."))
        return super().dispatch(request, *args, **kwargs)

    def villages(self) -> dict[int, Region]:
        scoped = region_list(user=self.request.user).filter(level__in=VILLAGE_LEVELS).order_by("path")
        return {village.pk: village for village in scoped}

    def render_forms(self, form, scans):
        return TemplateResponse(self.request, self.template_name, {
            "form": form, "scans": scans, "has_errors": bool(form.errors or scans.errors),
            "error_forms": [form, scans], "max_mb": MAX_ATTACHMENT_BYTES // (1024 * 1024),
        })

    def get(self, request):
        villages = self.villages()
        form = RelayedAppealForm(initial={"idempotency_key": uuid.uuid4()}, villages=_choices(villages))
        return self.render_forms(form, ScanUploadForm(other_label=_("Photos or documents (optional)")))

    def post(self, request):
        villages = self.villages()
        form = RelayedAppealForm(request.POST, villages=_choices(villages))
        scans = ScanUploadForm(request.POST, request.FILES, other_label=_("Photos or documents (optional)"))
        if not (form.is_valid() & scans.is_valid()):
            return self.render_forms(form, scans)
        try:
            service_request = service_request_submit(
                actor=request.user, kind=ServiceRequest.Kind.APPEAL, village=villages.get(form.cleaned_data["village"]),
                form_data={}, attachments=scans.uploads(), **form.service_fields())
        except ValidationError as error:
            place_service_errors(error, form=form, scans=scans)
            return self.render_forms(form, scans)
        messages.success(request, _("Appeal %(code)s logged and sent to %(department)s. Read the tracking code "
                                    "to the caller.") % {"code": service_request.tracking_code,
                                                         "department": service_request.department.name})
        return HttpResponseRedirect(reverse("gov_services:county-request-detail", args=[service_request.pk]))


def _choices(villages: dict[int, Region]) -> list[tuple[int, str]]:
    return [(pk, village.name) for pk, village in villages.items()]
