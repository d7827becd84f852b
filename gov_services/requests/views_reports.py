"""Residents' own reports: report a problem (/reports/new/), the public list, map and page of reports shown
publicly (/reports/…), following one, the reporter adding information (/me/requests/<pk>/add-information/)
and the department's public reply (/dept/requests/<pk>/public-reply/).

Access: the list, map, page, photos and the nearby suggestions are public and carry no personal data
(gov_services/requests/selectors/reports.py builds every row they show). Reporting and following need a signed-in
account; adding information is for the reporter's own request (another's → 404); the public reply is
for the officers holding the request (DepartmentStaffMixin, then the department's request, else 404).
"""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.http import site_file_response, user_file_response
from core.service_errors import errors_onto
from gov_services.identifiers import format_tracking_code
from gov_services.models import ServiceRequest
from gov_services.requests.display import PUBLIC, timeline_rows
from gov_services.requests.forms_reports import AddInformationForm, PublicReplyForm, ReportForm
from gov_services.requests.selectors import reports as selectors
from gov_services.requests.selectors.requests import resident_request_list
from gov_services.requests.services.reports import (
    PHOTOS,
    photo_preview,
    report_add_information,
    report_follow,
    report_submit,
    report_unfollow,
    service_request_public_reply,
)
from gov_services.requests.views_dept.access import officer_request
from gov_services.requests.views_resident_common import error_summary
from gov_services.requests.views_resident_requests import _own_request_or_404
from stations.mixins import DepartmentStaffMixin
from stations.models import Region
from stations.selectors_map import picker_map

PAGE_SIZE = 20
MAP_LIMIT = 500  # markers on the public map: the newest reports


class ReportCreateView(LoginRequiredMixin, View):
    """/reports/new/: a resident reports a problem with photos and a place."""

    template_name = "gov_services/report_form.html"

    def render(self, form):
        # The map opens on the county of the resident's last request (else the first county).
        last = resident_request_list(user=self.request.user).filter(village__isnull=False).values_list(
            "village__path", flat=True).first()
        county = selectors.report_county([last] if last else [])
        return TemplateResponse(self.request, self.template_name, {
            "form": form, "errors": error_summary(form),
            "nearby_url": reverse("gov_services:report-nearby"),
            "map": picker_map(region=county) if county is not None else None,
        })

    def get(self, request):
        return self.render(ReportForm(village_groups=selectors.village_groups(),
                                      initial={"idempotency_key": ReportForm.new_key()}))

    def post(self, request):
        form = ReportForm(request.POST, request.FILES, village_groups=selectors.village_groups())
        if not form.is_valid():
            if "idempotency_key" in form.errors:
                form.data = form.data.copy()
                form.data["idempotency_key"] = str(ReportForm.new_key())
            return self.render(form)
        data = form.cleaned_data
        village = Region.objects.filter(pk=data["village"]).first() if data.get("village") else None
        try:
            report = report_submit(
                actor=request.user, idempotency_key=data["idempotency_key"], category=data["category"],
                subject=data["subject"], description=data["description"], photos=form.photos(), village=village,
                latitude=data.get("latitude"), longitude=data.get("longitude"), place=data.get("place", ""),
                is_public=data["is_public"])
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return self.render(form)
        except ValidationError as error:
            if getattr(error, "code", None) == "idempotency_conflict":
                form.add_error(None, _("This form was already sent with different content. Check “My requests” "
                                       "first; to report another problem, open the form again."))
            else:
                errors_onto(form, error, fields={PHOTOS: "photo_1"})  # photo problems: the first photo
            return self.render(form)
        messages.success(request, _("Thank you: your report has been sent to %(department)s. Your tracking code "
                                    "is %(code)s; you will get a text message when it moves on.") % {
            "department": report.department.name, "code": format_tracking_code(report.tracking_code)})
        return redirect("gov_services:resident-service-request-detail", pk=report.pk)


def _decimal(value: str | None) -> Decimal | None:
    try:
        number = Decimal((value or "").strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


class ReportNearbyView(View):
    """GET /reports/nearby/?category=&latitude=&longitude=: public reports of that category near the point,
    as JSON for the report form ("reported nearby already: follow it instead"). Anything unusable → none."""

    def get(self, request):
        category = request.GET.get("category", "")
        latitude, longitude = _decimal(request.GET.get("latitude")), _decimal(request.GET.get("longitude"))
        rows = []
        if (category in ServiceRequest.AppealCategory.values and latitude is not None and longitude is not None
                and abs(latitude) <= 90 and abs(longitude) <= 180):
            rows = selectors.reports_nearby(category=category, latitude=latitude, longitude=longitude)
        return JsonResponse({"reports": [
            {"url": r["url"], "title": r["title"], "village": r["village"], "state": r["state_label"],
             "distance": r["distance"], "submitted": r["submitted_at"].date().isoformat()} for r in rows]})


def _filters(request) -> tuple[str, str]:
    state = request.GET.get("state", "")
    category = request.GET.get("category", "")
    return (state if state in ("open", "done", "declined") else "",
            category if category in ServiceRequest.AppealCategory.values else "")


class PublicReportListView(View):
    """/reports/: the reports shown publicly, newest first, with their status; no map (a light page)."""

    template_name = "gov_services/report_list.html"

    def get(self, request):
        state, category = _filters(request)
        page = Paginator(selectors.public_reports(state=state, category=category), PAGE_SIZE).get_page(
            request.GET.get("page"))
        return TemplateResponse(request, self.template_name, {
            "page_obj": page, "rows": [selectors.report_row(r) for r in page.object_list], "state": state,
            "category": category, "categories": ServiceRequest.AppealCategory.choices,
            "states": [("open", _("Being handled")), ("done", _("Dealt with")), ("declined", _("Not taken up"))],
        })


class PublicReportMapView(View):
    """/reports/map/: the reports shown publicly on the county map (Leaflet, our own files)."""

    template_name = "gov_services/report_map.html"

    def get(self, request):
        state, category = _filters(request)
        reports = list(selectors.public_reports(state=state, category=category)[:MAP_LIMIT])
        rows = [selectors.report_row(r) for r in reports]
        county = selectors.report_county([r.village.path for r in reports if r.village_id])
        return TemplateResponse(request, self.template_name, {
            "rows": rows, "map": selectors.reports_map(rows=rows, region=county), "state": state,
            "category": category, "categories": ServiceRequest.AppealCategory.choices,
        })


class PublicReportDetailView(View):
    """/reports/<pk>/: one public report: the problem, its photos, status, steps and the department's replies."""

    template_name = "gov_services/report_detail.html"

    def get(self, request, pk):
        report = selectors.access_public_report_by_id(report_id=pk)
        row = selectors.report_row(report)
        return TemplateResponse(request, self.template_name, {
            "row": row, "report": report, "timeline": timeline_rows(report, audience=PUBLIC),
            "photos": list(selectors.public_report_photos(report)),
            "following": selectors.is_following(user=request.user, report=report),
            "is_reporter": request.user.is_authenticated and report.applicant_user_id == request.user.pk,
            "followers": selectors.follower_count(report), "open": row["state"] == "open",
        })


class PublicReportPhotoView(View):
    """/reports/photos/<pk>/: a photo of a public report (re-drawn when it was sent: no metadata)."""

    def get(self, request, pk):
        attachment = selectors.access_public_photo_by_id(attachment_id=pk)
        if request.GET.get("size") != "small":
            return user_file_response(attachment.file, filename=attachment.original_name, preview=True)
        try:
            with attachment.file.open("rb") as handle:
                small = photo_preview(handle.read())
        except FileNotFoundError as missing:
            raise Http404(_("The file is missing from storage.")) from missing
        except Exception as broken:  # a kept photo Pillow cannot draw: no preview, never a 500
            raise Http404(_("There is no such photo.")) from broken
        response = site_file_response(small, filename=attachment.original_name, content_type="image/jpeg",
                                      inline=True)
        response["Cache-Control"] = "public, max-age=86400"
        return response


class ReportFollowView(LoginRequiredMixin, View):
    """POST /reports/<pk>/follow/ (unfollow with "stop"): texts on each status change of a public report."""

    def get(self, request, pk):
        return redirect("gov_services:report-detail", pk=pk)

    def post(self, request, pk):
        report = selectors.access_public_report_by_id(report_id=pk)
        detail = reverse("gov_services:report-detail", args=[pk])
        if request.POST.get("stop"):
            report_unfollow(request=report, actor=request.user)
            messages.success(request, _("You no longer get text messages about this report."))
            return HttpResponseRedirect(detail)
        try:
            report_follow(request=report, actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.warning(request, " ".join(getattr(error, "messages", [str(error)])))
            return HttpResponseRedirect(detail)
        messages.success(request, _("You follow this report: you will get a text message when its status changes."))
        return HttpResponseRedirect(detail)


class ReportAddInformationView(LoginRequiredMixin, View):
    """POST /me/requests/<pk>/add-information/: the reporter adds words or photos while the report is open."""

    def get(self, request, pk):
        _own_request_or_404(request.user, pk)  # another's request is a 404, as on its page
        return redirect("gov_services:resident-service-request-detail", pk=pk)

    def post(self, request, pk):
        service_request = _own_request_or_404(request.user, pk)
        detail = reverse("gov_services:resident-service-request-detail", args=[pk])
        form = AddInformationForm(request.POST, request.FILES, prefix="info")
        if form.is_valid():
            try:
                report_add_information(request=service_request, actor=request.user, text=form.cleaned_data["text"],
                                       photos=form.photos())
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, _("Nothing was added: %(reason)s") % {
                    "reason": " ".join(getattr(error, "messages", [str(error)]))})
                return HttpResponseRedirect(detail + "#add-information")
            messages.success(request, _("Added: the department sees it with your report."))
            return HttpResponseRedirect(detail)
        messages.error(request, _("Nothing was added: %(reason)s") % {
            "reason": " ".join(m for errors in form.errors.values() for m in errors)})
        return HttpResponseRedirect(detail + "#add-information")


class DepartmentPublicReplyView(DepartmentStaffMixin, View):
    """POST /dept/requests/<pk>/public-reply/: the officer holding a public report answers it publicly."""

    def get(self, request, pk):
        return redirect("gov_services:dept-request-detail", pk=pk)

    def post(self, request, pk):
        service_request, _member = officer_request(request.user, pk)
        detail = reverse("gov_services:dept-request-detail", args=[pk])
        form = PublicReplyForm(request.POST, prefix="reply")
        if not form.is_valid():
            messages.error(request, _("Nothing was published: %(reason)s") % {
                "reason": " ".join(m for errors in form.errors.values() for m in errors)})
            return HttpResponseRedirect(detail + "#public-reply")
        try:
            service_request_public_reply(request=service_request, actor=request.user, text=form.cleaned_data["text"])
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _("Nothing was published: %(reason)s") % {
                "reason": " ".join(getattr(error, "messages", [str(error)]))})
            return HttpResponseRedirect(detail + "#public-reply")
        messages.success(request, _("Reply published on the report's public page."))
        return HttpResponseRedirect(detail)
